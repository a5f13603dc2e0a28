/**
 * Pictures and tables for the demo and for run reports. Everything is drawn into a {@link
 * java.awt.image.BufferedImage} and written as PNG with {@link javax.imageio.ImageIO}; no window is
 * ever opened and the headless toolkit is requested before any drawing, so it works on servers and
 * in CI. {@link io.saestreams.report.FeatureTiles} shows vectors (learned decoder directions,
 * dictionary atoms, inputs) as a grid of small images, {@link io.saestreams.report.Reconstructions}
 * shows inputs next to their reconstructions, {@link io.saestreams.report.BarChart} and {@link
 * io.saestreams.report.LineChart} draw simple charts with axes, ticks and labels, {@link
 * io.saestreams.report.ScatterChart} draws groups of points with a line through chosen ones (e.g. the
 * {@link io.saestreams.report.ParetoFrontier} of a sweep), and {@link
 * io.saestreams.report.SummaryTable} prints name/value pairs as an aligned text table or as one
 * JSON object. Pixel layouts are fixed and documented so that tests can check individual pixels.
 */
package io.saestreams.report;
