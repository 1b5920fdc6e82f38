/*
 * CharRanges.java - prints the tables of src/schema/avro/schema_avro_chars.c:
 * the BMP chars for which JDK 17 (Unicode 13) says Character.isLetter, and
 * those it says isDigit but not isLetter.  Run: javac CharRanges.java &&
 * java CharRanges.  Not run by the tests (the differential tests check
 * the table against the JDK name by name).
 */
public class CharRanges {
    static void ranges(String name, java.util.function.IntPredicate p) {
        StringBuilder sb = new StringBuilder();
        int n = 0, start = -1;
        for (int c = 0; c <= 0x10000; c++) {
            boolean in = c < 0x10000 && p.test(c);
            if (in && start < 0) start = c;
            if (!in && start >= 0) {
                sb.append(String.format("{0x%04X, 0x%04X},", start, c - 1));
                n++;
                if (n % 5 == 0) sb.append("\n    "); else sb.append(' ');
                start = -1;
            }
        }
        System.out.println("static const java_range_t " + name + "[] = {\n    " + sb.toString().trim() + "\n};");
        System.err.println(name + " " + n);
    }
    public static void main(String[] a) {
        ranges("java_letters", c -> Character.isLetter((char) c));
        ranges("java_digits", c -> Character.isDigit((char) c) && !Character.isLetter((char) c));
        System.err.println(Runtime.version());
    }
}
