package io.ticketlab.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

/**
 * An experiment as written: the YAML or JSON document of {@code ticketlab lottery --config}, or the
 * flags of {@code ticketlab train …} gathered into the same shape. Every field is optional here
 * (null = not written); {@link ExperimentSpec#resolve} applies the defaults and checks the values.
 * Unknown keys and values of the wrong type are refused when the file is read, naming the key path.
 */
public record ExperimentConfig(
    String task,
    Data data,
    Model model,
    Training training,
    Pruning pruning,
    Rewind rewind,
    Integer replicates,
    Long seed,
    @JsonProperty("early_bird") EarlyBird earlyBird,
    Transfer transfer) {

  /**
   * A ticket transfer instead of pruning (paper Sec. 4.2, supplementary A and B): {@code kind}
   * imagenet-ticket (a classifier ticket: its backbone values and zero pattern), mask (pretrained
   * weights, the largest-magnitude {@code 1 − prune} of the backbone's prunable convs kept) or task
   * (another detector task's ticket up to the box head; {@code mask_only}: its mask, not its values);
   * {@code source} the checkpoint (or a TicketLab level folder: its latest checkpoint).
   */
  public record Transfer(String kind, String source, Double prune, @JsonProperty("mask_only") Boolean maskOnly) {}

  /** Early-bird masks (paper Fig. 2f): level 0 also saves checkpoints at these fractions of training. */
  public record EarlyBird(List<Double> fractions) {}

  /** Image folders (classification) or COCO jsons with their image folders (detectors). */
  public record Data(
      String train,
      String val,
      @JsonProperty("train_images") String trainImages,
      @JsonProperty("val_images") String valImages) {}

  /** The network; the detector keys are those of {@code ticketlab train detect}. */
  public record Model(
      String arch,
      Double width,
      String variant,
      @JsonProperty("fpn_channels") Integer fpnChannels,
      @JsonProperty("head_width") Integer headWidth,
      @JsonProperty("min_size") List<Integer> minSize,
      @JsonProperty("max_size") Integer maxSize,
      @JsonProperty("trainable_layers") Integer trainableLayers,
      Boolean scratch,
      @JsonProperty("num_classes") Integer numClasses,
      String weights,
      @JsonProperty("roi_samples") Integer roiSamples) {}

  /** The training schedule of every run (every lottery level). */
  public record Training(
      String iterations,
      Integer batch,
      Integer size,
      Double lr,
      Double momentum,
      @JsonProperty("weight_decay") Double weightDecay,
      String warmup,
      String schedule,
      List<String> milestones,
      @JsonProperty("warmup_factor") Double warmupFactor,
      @JsonProperty("eval_every") String evalEvery,
      Boolean flip,
      Integer accumulate,
      @JsonProperty("crop_scale") Double cropScale,
      @JsonProperty("ap_every") String apEvery) {}

  /** What to prune and how. */
  public record Pruning(
      String preset,
      List<String> include,
      List<String> exclude,
      String strategy,
      Double sparsity,
      Integer rounds,
      Double fraction,
      Integer levels) {}

  /** Late resetting: the rewind point, and whether the optimizer state is rewound too. */
  public record Rewind(String at, Boolean optimizer) {}

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          // batch: 2.5 or seed: 1.5 is refused, not truncated to 2 or 1
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          // text after the config (a second document, a stray brace) is refused, not ignored
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // a key written twice is refused, not silently the last one
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);

  /** Reads a config file (YAML or JSON): its syntax and types; values are checked by {@link ExperimentSpec#resolve}. */
  public static ExperimentConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw BadInputException.of(file, null, null, null, "no such file");
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null,
          Files.isDirectory(file) ? "a folder, not a config file" : "cannot read: " + e.getMessage());
    }
    return parse(file, text);
  }

  /** Parses the text of a config ({@code file} only names it in errors). */
  public static ExperimentConfig parse(Path file, String text) {
    ExperimentConfig c;
    if (text.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
      throw BadInputException.of(file, null, null, null, "empty config");
    }
    try {
      c = YAML.readValue(text, ExperimentConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw BadInputException.of(file, null, keyPath(e), null,
          "unknown key" + at(e) + " (known here: " + String.join(", ", new TreeSet<>(
              e.getKnownPropertyIds().stream().map(String::valueOf).toList())) + ")");
    } catch (InvalidFormatException e) {
      throw BadInputException.of(file, null, keyPath(e), e.getValue(), "expected " + typeName(e.getTargetType()) + at(e));
    } catch (MismatchedInputException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
        throw BadInputException.of(file, null, null, null,
            "content after the config" + at(e) + ": a config file holds one YAML document or JSON object");
      }
      throw BadInputException.of(file, null, keyPath(e), scalarText(e),
          "expected " + typeName(e.getTargetType()) + at(e));
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof JsonProcessingException syntax) { // the YAML parser's, seen while mapping
        throw BadInputException.of(file, null, null, null,
            "not valid YAML/JSON" + at(e) + ": " + firstLine(syntax.getOriginalMessage()));
      }
      throw BadInputException.of(file, null, keyPath(e), null, firstLine(e.getOriginalMessage()) + at(e));
    } catch (JsonProcessingException e) {
      throw BadInputException.of(file, null, null, null,
          "not valid YAML/JSON" + at(e) + ": " + firstLine(e.getOriginalMessage()));
    }
    if (c == null) {
      throw BadInputException.of(file, null, null, null, "empty config");
    }
    refuseNulls(file, text);
    return c;
  }

  /**
   * A key written without a value ({@code batch:}, {@code batch: null}, {@code ~}) is refused: the
   * records cannot tell it from a key left out, which would silently mean the default.
   */
  private static void refuseNulls(Path file, String text) {
    try (JsonParser p = YAML.getFactory().createParser(text)) {
      int depth = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
        if (depth == 0 && t.isStructEnd()) {
          return; // the end of the document the mapper read
        }
        if (t == JsonToken.VALUE_NULL) {
          JsonLocation l = p.currentTokenLocation();
          throw BadInputException.of(file, null, keyPath(p.getParsingContext()), null,
              "no value (line " + l.getLineNr() + ", column " + l.getColumnNr()
                  + "): write one, or leave the key out for its default");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the mapper has read this document without a syntax error
    }
  }

  /** {@code model.min_size[1]} of a parser's position. */
  private static String keyPath(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject()) {
        parts.addFirst(c.getCurrentName());
      } else if (c.inArray()) {
        parts.addFirst("[" + c.getCurrentIndex() + "]");
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String part : parts) {
      if (sb.length() > 0 && !part.startsWith("[")) {
        sb.append('.');
      }
      sb.append(part);
    }
    return sb.toString();
  }

  /** {@code training.milestones[1]} from Jackson's reference path. */
  private static String keyPath(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /** The offending scalar as written, or null (a list or section where a value belongs). */
  private static String scalarText(MismatchedInputException e) {
    try {
      if (e.getProcessor() instanceof JsonParser p && p.currentToken() != null
          && p.currentToken().isScalarValue()) {
        return p.getText();
      }
    } catch (IOException ignored) {
      // no text to show
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("value \\(\"([^\"]*)\"\\)").matcher(
        String.valueOf(e.getOriginalMessage()));
    return m.find() ? m.group(1) : null;
  }

  private static String at(JsonProcessingException e) {
    JsonLocation l = e.getLocation();
    return l == null || l.getLineNr() < 1 ? "" : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")";
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "another kind of value";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a text value";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a section of keys";
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
