/** Classification data in torchvision's ImageFolder layout, and its image transforms (pure Java). */
package io.ticketlab.data.folder;
