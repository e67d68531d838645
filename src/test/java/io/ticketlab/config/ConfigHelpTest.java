package io.ticketlab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ticketlab.common.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ticketlab lottery --help-config} against the parser and the resolver themselves: the keys it
 * lists are exactly those the parser accepts (found by asking the parser, section by section), each
 * with a type the parser takes, and every default it shows is the one the resolver applies (writing
 * it out is the same run as leaving it out).
 */
class ConfigHelpTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern KNOWN = Pattern.compile("\\(known here: ([^)]*)\\)");

  @Test
  void listedKeys_areExactlyTheKeysTheParserAccepts() {
    List<String> accepted = new ArrayList<>();
    acceptedKeys(JSON.createObjectNode(), "", accepted);

    List<String> listed = ConfigHelp.keys().stream().map(ConfigHelp.Key::path).toList();

    assertThat(new TreeSet<>(listed)).isEqualTo(new TreeSet<>(accepted));
    assertThat(listed).doesNotHaveDuplicates().hasSizeGreaterThan(40);
  }

  @Test
  void everyKey_hasAMeaning_andEveryMeaningAKey() {
    for (ConfigHelp.Key k : ConfigHelp.keys()) {
      assertThat(k.meaning()).as("meaning of %s (write it in ConfigHelp)", k.path()).isNotBlank();
    }
    assertThat(ConfigHelp.documentedKeys()).as("meanings of keys the parser does not know")
        .containsExactlyInAnyOrderElementsOf(ConfigHelp.keyPaths());
  }

  @Test
  void everyListedKey_isAcceptedWithAValueOfItsListedType() {
    for (ConfigHelp.Key k : ConfigHelp.keys()) {
      ObjectNode doc = JSON.createObjectNode();
      put(doc, k.path(), sample(k.type()));
      ExperimentConfig.parse(null, doc.toString()); // throws naming the key when the type is wrong
    }
  }

  @Test
  void everyResolvedDefault_writtenOut_isTheSameRunAsLeavingItOut() throws Exception {
    int checked = 0;
    for (ConfigHelp.Key k : ConfigHelp.keys()) {
      if (!k.resolved()) {
        continue;
      }
      for (Map.Entry<Task, String> d : k.defaults().entrySet()) {
        ObjectNode plain = probe(d.getKey());
        ObjectNode written = probe(d.getKey());
        put(written, k.path(), YAML.readTree(d.getValue()));
        ExperimentSpec a = resolve(plain);
        ExperimentSpec b = resolve(written);
        assertThat(b.canonicalJson()).as("%s: %s for %s", k.path(), d.getValue(), d.getKey()).isEqualTo(a.canonicalJson());
        assertThat(b.replicates()).as(k.path()).isEqualTo(a.replicates());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(60);
  }

  @Test
  void aTaskWithoutADefault_isOneWhoseConfigTheResolverRefusesWithTheKey() {
    int refused = 0;
    for (ConfigHelp.Key k : ConfigHelp.keys()) {
      for (Task t : Task.values()) {
        if (k.defaults().containsKey(t)) {
          continue;
        }
        ObjectNode doc = probe(t);
        put(doc, k.path(), sample(k.type()));
        String named = k.path().startsWith("transfer.") ? "transfer" : k.path();
        assertThatThrownBy(() -> resolve(doc)).as("%s for %s", k.path(), t)
            .isInstanceOf(BadInputException.class)
            .hasMessageContaining(named + ": ");
        refused++;
      }
    }
    assertThat(refused).isGreaterThan(15);
  }

  @Test
  void aTaskWithADefault_isOneWhoseConfigTheResolverDoesNotRefuseForItsTask() {
    for (ConfigHelp.Key k : ConfigHelp.keys()) {
      for (Task t : k.defaults().keySet()) {
        ObjectNode doc = probe(t);
        put(doc, k.path(), sample(k.type()));
        try {
          resolve(doc);
        } catch (BadInputException e) { // a sample value may be out of range, but not of the wrong task
          assertThat(e.getMessage()).as("%s listed for %s", k.path(), t)
              .doesNotContain("only for detector tasks", "classification only", "transfers go into detectors");
        }
      }
    }
  }

  @Test
  void text_showsEachKeyWithTypeDefaultsPerTaskAndMeaning() {
    String text = ConfigHelp.text();

    assertThat(text)
        .contains("training.batch (whole number)\n    default: classify " + ExperimentSpec.Defaults.CLASSIFY_BATCH
            + ", det/seg/kp " + ExperimentSpec.Defaults.DETECT_BATCH + "\n    Images per iteration.")
        .contains("training.size (whole number)\n    default: " + ExperimentSpec.Defaults.CLASSIFY_SIZE + " (not for det/seg/kp)")
        .contains("training.iterations (length: ")
        .contains("model.min_size (list of whole numbers)\n    default: [" + ExperimentSpec.Defaults.MIN_SIZE
            + "] (not for classify)")
        .contains("data.train (text)\n    default: required");
    for (String path : ConfigHelp.keyPaths()) {
      assertThat(text).contains("\n" + path + " (");
    }
    assertThat(text.lines().mapToInt(String::length).max().orElse(0)).isLessThanOrEqualTo(100);
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** The keys the parser knows under {@code section} (a path such as "training."), as it names them. */
  private static void acceptedKeys(ObjectNode doc, String section, List<String> out) {
    List<String> known = known(doc, section);
    for (String key : known) {
      ObjectNode inner = doc.deepCopy();
      put(inner, section + key, JSON.createObjectNode());
      List<String> below = knownOrNull(inner, section + key + ".");
      if (below == null) {
        out.add(section + key);
      } else {
        acceptedKeys(inner, section + key + ".", out);
      }
    }
  }

  private static List<String> known(ObjectNode doc, String section) {
    List<String> k = knownOrNull(doc, section);
    assertThat(k).as("the parser names the keys of %s", section.isEmpty() ? "the top level" : section).isNotNull();
    return k;
  }

  /** Asks the parser with an unknown key in {@code section}; null when that is no section of keys. */
  private static List<String> knownOrNull(ObjectNode doc, String section) {
    ObjectNode probe = doc.deepCopy();
    put(probe, section + "zz_no_such_key", JSON.getNodeFactory().numberNode(1));
    try {
      ExperimentConfig.parse(null, probe.toString());
    } catch (BadInputException e) {
      Matcher m = KNOWN.matcher(e.getMessage());
      if (e.getMessage().startsWith(section + "zz_no_such_key: unknown key") && m.find()) {
        return Arrays.stream(m.group(1).split(", ")).toList();
      }
      return null;
    }
    return null;
  }

  private static void put(ObjectNode doc, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode at = doc;
    for (int i = 0; i < parts.length - 1; i++) {
      at = at.get(parts[i]) instanceof ObjectNode o ? o : at.putObject(parts[i]);
    }
    at.set(parts[parts.length - 1], value);
  }

  private static JsonNode sample(String type) {
    String yaml = type.startsWith("list of whole numbers") ? "[1]"
        : type.startsWith("list of numbers") ? "[0.5]"
        : type.startsWith("list of lengths") ? "[1it]"
        : type.startsWith("list of texts") ? "[x]"
        : type.startsWith("whole number") ? "1"
        : type.startsWith("number") ? "0.5"
        : type.startsWith("true or false") ? "true"
        : type.startsWith("length") ? "1it"
        : "x";
    try {
      return YAML.readTree(yaml);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The smallest config of {@code task} the resolver takes. */
  private static ObjectNode probe(Task task) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("task", task.key());
    doc.putObject("data").put("train", task.isDetector() ? "train.json" : "train");
    doc.putObject("pruning").put("sparsity", 0.5);
    return doc;
  }

  private static ExperimentSpec resolve(ObjectNode doc) {
    return ExperimentSpec.resolve(ExperimentConfig.parse(null, doc.toString()), ConfigKeys.file(null));
  }
}
