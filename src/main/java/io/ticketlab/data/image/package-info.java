/**
 * The one way images enter TicketLab: {@link io.ticketlab.data.image.ImageDecoder} decodes JPEG,
 * PNG, BMP and GIF files to 8-bit RGB with PIL's {@code Image.open(f).convert("RGB")} semantics,
 * and {@link io.ticketlab.data.image.ClassificationTransforms} applies torchvision's
 * classification transforms ({@code Resize}, {@code CenterCrop}, {@code RandomResizedCrop},
 * {@code ToTensor}, {@code Normalize}) with PIL's resampling arithmetic ({@link
 * io.ticketlab.data.image.Resample}). Pure Java, no native engine.
 */
package io.ticketlab.data.image;
