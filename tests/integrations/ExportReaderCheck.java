// The Java check of integrations/java (java_reader_test.py runs it): SocleExportReader and the
// generated classes alone, with protobuf.jar and bcprov.jar (no socle jar, no JNA).
//
//   java ExportReaderCheck read FILE ISSUER_HEX KIND N   every record of a signed file, typed and
//                                                        its fields checked; prints "ok N"
//   java ExportReaderCheck verify FILE ISSUER_HEX        verifyAll() (signed or sealed); "verified"
//   java ExportReaderCheck records FILE                  next() on a file; "ok N" or the refusal
//   java ExportReaderCheck flips FILE                    every byte flipped in turn (one in 61
//                                                        inside the header's descriptors): each
//                                                        copy refused, by a RefusedException only
// A refused file prints "PROBLEM at byte N" on stderr and exits 1; a failed check exits 2.
import com.google.protobuf.Message;
import fr.socle.export.SocleExportReader;
import fr.socle.v1.AccessRequestRecord;
import fr.socle.v1.AuditRecord;
import fr.socle.v1.DatasetRecord;
import fr.socle.v1.Entry;
import fr.socle.v1.ExportKind;
import fr.socle.v1.MirrorRecord;
import fr.socle.v1.PortabilityRecord;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;

public final class ExportReaderCheck {
  private static int failures = 0;

  private static void check(boolean ok, String what) {
    if (!ok) {
      failures++;
      System.out.println("FAIL: " + what);
    }
  }

  // The fields tests/exportfile/test_util.h's SampleRecord gives record i.
  private static void checkEntry(Entry e, int i) {
    String prefix = "note " + i + " ";
    check(e.getId().equals("e" + i) && e.getPerson().equals("p1")
            && e.getCategory().equals("social") && e.getTitle().equals("Visite")
            && e.getText().startsWith(prefix) && e.getCreatedAt().getSeconds() == 1700000000L + i,
        "record " + i + ": entry fields");
    check(e.getText().length() == prefix.length() + (i % 10 == 9 ? 300000 : 0),
        "record " + i + ": text length");
  }

  private static void checkRecord(ExportKind kind, Message m, int i) {
    String prefix = "note " + i + " ";
    switch (kind) {
      case ACCESS_REQUEST: {
        AccessRequestRecord r = (AccessRequestRecord) m;
        check(r.getRecordCase() == AccessRequestRecord.RecordCase.ENTRY, "record " + i + ": case");
        checkEntry(r.getEntry(), i);
        break;
      }
      case PORTABILITY: {
        PortabilityRecord r = (PortabilityRecord) m;
        check(r.getRecordCase() == PortabilityRecord.RecordCase.ENTRY, "record " + i + ": case");
        checkEntry(r.getEntry(), i);
        break;
      }
      case TRAINING_MIRROR: {
        MirrorRecord r = (MirrorRecord) m;
        check(r.getRecordCase() == MirrorRecord.RecordCase.ENTRY, "record " + i + ": case");
        checkEntry(r.getEntry(), i);
        break;
      }
      case PSEUDONYMISED_DATASET: {
        DatasetRecord r = (DatasetRecord) m;
        check(r.getSubject().equals("pseudo-" + i) && r.getFieldsCount() == 1
                && r.getFields(0).getName().equals("age_band")
                && r.getFields(0).getValue().startsWith(prefix),
            "record " + i + ": dataset fields");
        break;
      }
      case AUDIT_EXTRACT: {
        AuditRecord r = (AuditRecord) m;
        check(r.getRecordCase() == AuditRecord.RecordCase.ENTRY && r.getEntry().getIndex() == i
                && r.getEntry().getBytes().toStringUtf8().startsWith(prefix),
            "record " + i + ": audit entry");
        break;
      }
      default:
        check(false, "record " + i + ": unexpected kind " + kind);
    }
  }

  private static void flips(String path) throws Exception {
    byte[] data = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(path));
    long headerEnd = 16 + (java.nio.ByteBuffer.wrap(data, 12, 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL);
    int tried = 0;
    int refused = 0;
    for (int p = 0; p < data.length; p++) {
      if (p >= 64 && p < headerEnd - 64 && p % 61 != 0) continue;
      tried++;
      byte[] copy = data.clone();
      copy[p] ^= 0x40;
      try (SocleExportReader reader =
               new SocleExportReader(new java.io.ByteArrayInputStream(copy), null)) {
        reader.readAll();
        check(false, "flip at " + p + ": read without a refusal");
      } catch (SocleExportReader.RefusedException e) {
        refused++;
      } catch (Throwable t) {  // anything but a RefusedException is a defect
        check(false, "flip at " + p + ": " + t);
      }
    }
    check(refused == tried, "flips: " + refused + " of " + tried + " refused");
    System.out.println("refused " + refused + " of " + tried);
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    if (mode.equals("flips")) {
      flips(args[1]);
      if (failures > 0) System.exit(2);
      return;
    }
    byte[] issuer = args.length > 2 ? HexFormat.of().parseHex(args[2]) : null;
    try (InputStream in = new BufferedInputStream(new FileInputStream(args[1]));
         SocleExportReader reader = new SocleExportReader(in, issuer)) {
      if (mode.equals("verify")) {
        reader.verifyAll();
        check(reader.trailer() != null, "trailer after verifyAll");
        System.out.println("verified");
      } else if (mode.equals("records")) {
        System.out.println("ok " + reader.readAll().size());
      } else {
        ExportKind kind = ExportKind.forNumber(Integer.parseInt(args[3]));
        int n = Integer.parseInt(args[4]);
        check(reader.header().getKind() == kind && !reader.sealed(), "header kind");
        List<Message> records = reader.readAll();
        check(records.size() == n, "record count " + records.size());
        for (int i = 0; i < records.size(); i++) checkRecord(kind, records.get(i), i);
        check(reader.trailer() != null && reader.trailer().getRecordCount() == n, "trailer");
        System.out.println("ok " + records.size());
      }
    } catch (SocleExportReader.RefusedException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
    if (failures > 0) {
      System.out.println(failures + " failure(s)");
      System.exit(2);
    }
  }
}
