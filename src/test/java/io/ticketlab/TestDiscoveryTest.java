package io.ticketlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Every source file under {@code src/test/java} that declares a test (JUnit or jqwik) is run by
 * every Surefire execution of the pom: its path matches that execution's includes. A test class
 * named outside the patterns (as {@code *Properties} once was) would otherwise pass by never
 * running.
 */
class TestDiscoveryTest {
  private static final Path TEST_SOURCES = Paths.get("src/test/java");
  private static final Pattern TEST_ANNOTATION = Pattern.compile(
      "^\\s*@(?:[\\w.]+\\.)?(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Property|Example)\\b",
      Pattern.MULTILINE);

  @Test
  void everyTestClass_matchesTheIncludesOfEverySurefireExecution() throws Exception {
    Map<String, List<String>> executions = surefireIncludes(Paths.get("pom.xml"));
    assertThat(executions).as("surefire executions in pom.xml")
        .containsKeys("default-test", "engine-tests");
    List<Path> testClasses = testSourceFiles();
    assertThat(testClasses).as("test classes found under " + TEST_SOURCES.toAbsolutePath())
        .hasSizeGreaterThan(50)
        .extracting(p -> p.getFileName().toString())
        .contains("RleProperties.java", "PolygonRasterizerProperties.java",
            "FormatRoundTripProperties.java", "TestDiscoveryTest.java");
    List<String> unrun = new ArrayList<>();
    executions.forEach((id, includes) -> {
      List<PathMatcher> matchers = includes.stream()
          .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
      for (Path cls : testClasses) {
        if (matchers.stream().noneMatch(m -> m.matches(cls))) {
          unrun.add(id + ": " + cls);
        }
      }
    });
    assertThat(unrun).as("test classes that a surefire execution's includes miss").isEmpty();
  }

  @Test
  void discovery_seesAClassOutsideThePatterns() throws Exception {
    // The check above is only as good as its matcher: a *Check class must be reported.
    PathMatcher test = FileSystems.getDefault().getPathMatcher("glob:**/*Test.java");
    PathMatcher props = FileSystems.getDefault().getPathMatcher("glob:**/*Properties.java");
    Path odd = Paths.get("io/ticketlab/data/coco/RleCheck.java");
    assertThat(test.matches(odd) || props.matches(odd)).isFalse();
    assertThat(props.matches(Paths.get("io/ticketlab/data/coco/RleProperties.java"))).isTrue();
    assertThat(TEST_ANNOTATION.matcher("class A {\n  @Property(tries = 5)\n  void p() {}\n}")
        .find()).isTrue();
    assertThat(TEST_ANNOTATION.matcher("class A {\n  @org.junit.jupiter.api.Test void t() {}\n}")
        .find()).isTrue();
    assertThat(TEST_ANNOTATION.matcher("class A {\n  // @Testing notes\n}").find()).isFalse();
  }

  /** Source files (relative to src/test/java) that declare at least one test method. */
  private static List<Path> testSourceFiles() throws IOException {
    assertThat(TEST_SOURCES).as("test sources (run from the project root)").isDirectory();
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(TEST_SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        if (TEST_ANNOTATION.matcher(Files.readString(f)).find()) {
          out.add(TEST_SOURCES.relativize(f));
        }
      }
    }
    return out;
  }

  /** Execution id → effective includes (its own, else the plugin's, else Surefire's defaults). */
  private static Map<String, List<String>> surefireIncludes(Path pom) throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    Element surefire = null;
    NodeList plugins = doc.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element p = (Element) plugins.item(i);
      if ("maven-surefire-plugin".equals(childText(p, "artifactId"))
          && !"pluginManagement".equals(p.getParentNode().getParentNode().getNodeName())) {
        surefire = p;
      }
    }
    assertThat(surefire).as("maven-surefire-plugin in " + pom).isNotNull();
    List<String> defaults = List.of("**/Test*.java", "**/*Test.java", "**/*Tests.java",
        "**/*TestCase.java");
    List<String> pluginIncludes = includes(child(surefire, "configuration"), defaults);
    Map<String, List<String>> out = new LinkedHashMap<>();
    out.put("default-test", pluginIncludes);
    Element executions = child(surefire, "executions");
    if (executions != null) {
      for (Element e : children(executions, "execution")) {
        out.put(childText(e, "id"), includes(child(e, "configuration"), pluginIncludes));
      }
    }
    return out;
  }

  private static List<String> includes(Element configuration, List<String> inherited) {
    Element inc = configuration == null ? null : child(configuration, "includes");
    if (inc == null) {
      return inherited;
    }
    return children(inc, "include").stream().map(Node::getTextContent).map(String::trim).toList();
  }

  private static Element child(Element parent, String name) {
    List<Element> c = children(parent, name);
    return c.isEmpty() ? null : c.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String childText(Element parent, String name) {
    Element c = child(parent, name);
    return c == null ? null : c.getTextContent().trim();
  }
}
