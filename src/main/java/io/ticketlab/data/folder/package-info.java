/**
 * Classification data in torchvision's ImageFolder layout (pure Java); its images are decoded and
 * transformed by {@link io.ticketlab.data.image}.
 */
package io.ticketlab.data.folder;
