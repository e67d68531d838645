package io.ticketlab.data.voc;

import io.ticketlab.common.InputFiles;
import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads VOCdevkit annotations: {@code <root>/ImageSets/Main/<split>.txt} lists the image ids, and
 * {@code <root>/Annotations/<id>.xml} holds each image's size and objects (name, bndbox,
 * difficult, truncated). {@code root} is a year folder such as {@code VOCdevkit/VOC2007}.
 */
public final class VocReader {
  private VocReader() {}

  /** Reads one split with VOC's 20 classes; objects of other classes are an error. */
  public static VocDataset readSplit(Path root, String split) {
    return readSplit(root, split, VocDataset.VOC_CLASSES);
  }

  /** Reads one split; {@code classes} null means: the classes found, in order of appearance. */
  public static VocDataset readSplit(Path root, String split, List<String> classes) {
    InputFiles.requireFolder(root);
    Path list = root.resolve("ImageSets").resolve("Main").resolve(split + ".txt");
    List<String> ids;
    if (Files.exists(list)) {
      InputFiles.requireFile(list);
    }
    try {
      ids = Files.readAllLines(list).stream().map(String::strip).filter(s -> !s.isEmpty())
          .map(s -> s.split("\\s+")[0]).toList();
    } catch (NoSuchFileException e) {
      throw BadInputException.of(list, null, null, null, "no such file (is " + root
          + " a VOC year folder with ImageSets/Main/" + split + ".txt?)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<VocAnnotation> images = new ArrayList<>(ids.size());
    Set<String> seen = new LinkedHashSet<>();
    for (String id : ids) {
      VocAnnotation a = readAnnotation(root.resolve("Annotations").resolve(id + ".xml"), id);
      for (int i = 0; i < a.objects().size(); i++) {
        String name = a.objects().get(i).name();
        if (classes != null && !classes.contains(name)) {
          throw BadInputException.of(root.resolve("Annotations").resolve(id + ".xml"),
              "object[" + i + "]", "name", name, "not one of the classes " + classes);
        }
        seen.add(name);
      }
      images.add(a);
    }
    return new VocDataset(split, classes != null ? classes : List.copyOf(seen), images);
  }

  /** Reads one annotation XML file; {@code id} is the image id it is known by. */
  public static VocAnnotation readAnnotation(Path xml, String id) {
    Document doc;
    try (InputStream in = InputFiles.open(xml)) {
      doc = builder().parse(in);
    } catch (NoSuchFileException e) {
      throw BadInputException.of(xml, null, null, null, "no such file");
    } catch (org.xml.sax.SAXParseException e) {
      throw BadInputException.of(xml, null, null, null, "malformed XML at line " + e.getLineNumber()
          + ", column " + e.getColumnNumber() + ": " + e.getMessage());
    } catch (SAXException e) {
      throw BadInputException.of(xml, null, null, null, "malformed XML: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Element root = doc.getDocumentElement();
    String fileName = text(root, "filename");
    Element size = child(root, "size");
    int width = size == null ? 0 : (int) number(xml, "size", size, "width", 0);
    int height = size == null ? 0 : (int) number(xml, "size", size, "height", 0);
    List<VocObject> objects = new ArrayList<>();
    NodeList children = root.getChildNodes();
    int index = 0;
    for (int i = 0; i < children.getLength(); i++) {
      Node n = children.item(i);
      if (!(n instanceof Element e) || !e.getTagName().equals("object")) {
        continue;
      }
      String record = "object[" + index++ + "]";
      String name = text(e, "name");
      if (name == null || name.isBlank()) {
        throw BadInputException.of(xml, record, "name", null, "missing");
      }
      Element box = child(e, "bndbox");
      if (box == null) {
        throw BadInputException.of(xml, record, "bndbox", null, "missing");
      }
      double xmin = number(xml, record, box, "xmin", Double.NaN);
      double ymin = number(xml, record, box, "ymin", Double.NaN);
      double xmax = number(xml, record, box, "xmax", Double.NaN);
      double ymax = number(xml, record, box, "ymax", Double.NaN);
      if (xmax < xmin || ymax < ymin) {
        throw BadInputException.of(xml, record, "bndbox",
            "[" + xmin + ", " + ymin + ", " + xmax + ", " + ymax + "]", "max is below min");
      }
      boolean difficult = flag(xml, record, text(e, "difficult"), "difficult");
      boolean truncated = flag(xml, record, text(e, "truncated"), "truncated");
      objects.add(new VocObject(name.strip(), xmin, ymin, xmax, ymax, difficult, truncated));
    }
    return new VocAnnotation(id, fileName != null ? fileName.strip() : id + ".jpg", width, height,
        objects);
  }

  private static DocumentBuilder builder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      // The default handler prints "[Fatal Error] ..." to stderr before throwing; ours only throws,
      // and the caller names the file, line and column.
      b.setErrorHandler(new org.xml.sax.ErrorHandler() {
        @Override
        public void warning(org.xml.sax.SAXParseException e) {}

        @Override
        public void error(org.xml.sax.SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
          throw e;
        }
      });
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Element child(Element parent, String tag) {
    NodeList children = parent.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element e && e.getTagName().equals(tag)) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element parent, String tag) {
    Element e = child(parent, tag);
    return e == null ? null : e.getTextContent();
  }

  private static boolean flag(Path xml, String record, String text, String tag) {
    if (text == null || text.isBlank()) {
      return false;
    }
    try {
      return Double.parseDouble(text.strip()) != 0;
    } catch (NumberFormatException e) {
      throw BadInputException.of(xml, record, tag, text.strip(), "expected 0 or 1");
    }
  }

  private static double number(Path xml, String record, Element parent, String tag, double absent) {
    String t = text(parent, tag);
    if (t == null) {
      if (Double.isNaN(absent)) {
        throw BadInputException.of(xml, record, tag, null, "missing");
      }
      return absent;
    }
    try {
      double v = Double.parseDouble(t.strip());
      if (!Double.isFinite(v)) {
        throw BadInputException.of(xml, record, tag, t.strip(), "not a finite number");
      }
      return v;
    } catch (NumberFormatException e) {
      throw BadInputException.of(xml, record, tag, t.strip(), "not a number");
    }
  }
}
