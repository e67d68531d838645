package io.ticketlab.data.voc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocReaderTest {
  @TempDir Path dir;

  @Test
  void truncatedXml_isOneBadInputNamingFileAndLine_withoutTheParsersOwnStderrLine() throws Exception {
    Path xml = dir.resolve("000001.xml");
    Files.writeString(xml, "<annotation>\n  <filename>000001.jpg</filename>\n  <object><name>dog</na");
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThatThrownBy(() -> VocReader.readAnnotation(xml, "000001"))
          .isInstanceOf(BadInputException.class)
          .hasMessageStartingWith(xml + ": malformed XML at line 3");
    } finally {
      System.setErr(saved);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void rootThatIsAFile_isBadInputNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("VOC2007"), "x");
    assertThatThrownBy(() -> VocReader.readSplit(file, "test"))
        .isInstanceOf(BadInputException.class)
        .hasMessage(file + ": is a file, expected a folder");
  }
}
