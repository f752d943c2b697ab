package hztrio.testing;

import com.hazelcast.nio.serialization.ClassDefinition;
import com.hazelcast.nio.serialization.ClassDefinitionBuilder;
import com.hazelcast.nio.serialization.Portable;
import com.hazelcast.nio.serialization.PortableFactory;
import com.hazelcast.nio.serialization.PortableReader;
import com.hazelcast.nio.serialization.PortableWriter;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Portable test classes of factory 1 (registered on the member): the seed README's Foo
 * (class 1) and KitchenSink (class 2), a field of every Portable type. Employee (factory 2)
 * is deliberately not registered on the member: it is only ever a GenericRecord there.
 */
public final class PortableSamples {

    public static final int FACTORY_ID = 1;
    public static final int EMPLOYEE_FACTORY_ID = 2;

    private PortableSamples() {
    }

    private static String r(Object value) {
        return SerializationHelper.render(value);
    }

    public static class Foo implements Portable, Rendered {
        public String foo;

        public Foo() {
        }

        public Foo(String foo) {
            this.foo = foo;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return 1;
        }

        @Override
        public void writePortable(PortableWriter writer) throws IOException {
            writer.writeString("foo", foo);
        }

        @Override
        public void readPortable(PortableReader reader) throws IOException {
            foo = reader.readString("foo");
        }

        @Override
        public String render() {
            return "Foo{" + r(foo) + "}";
        }
    }

    public static class KitchenSink implements Portable, Rendered {
        byte b;
        boolean bool;
        char c;
        short s;
        int i;
        long l;
        float f;
        double d;
        String str;
        String nullStr;
        BigDecimal dec;
        LocalTime time;
        LocalDate date;
        LocalDateTime ts;
        OffsetDateTime tstz;
        byte[] bytes;
        boolean[] bools;
        char[] chars;
        short[] shorts;
        int[] ints;
        long[] longs;
        float[] floats;
        double[] doubles;
        String[] strings;
        BigDecimal[] decs;
        LocalTime[] times;
        LocalDate[] dates;
        LocalDateTime[] tss;
        OffsetDateTime[] tstzs;
        Foo foo;
        Foo nullFoo;
        Portable[] foos;
        int[] nullInts;

        public static KitchenSink sample() {
            KitchenSink k = new KitchenSink();
            k.b = -7;
            k.bool = true;
            k.c = 'Z';
            k.s = -1234;
            k.i = 123456789;
            k.l = -1234567890123456789L;
            k.f = 1.5f;
            k.d = -2.25e300;
            k.str = "h\u00e9llo \u2603 \uD83D\uDE00";
            k.nullStr = null;
            k.dec = new BigDecimal("-123.4500");
            k.time = LocalTime.of(13, 45, 59, 123456000);
            k.date = LocalDate.of(2024, 2, 29);
            k.ts = LocalDateTime.of(2024, 2, 29, 13, 45, 59, 123456000);
            k.tstz = OffsetDateTime.of(2024, 2, 29, 13, 45, 59, 123456000, ZoneOffset.ofHoursMinutes(5, 30));
            k.bytes = new byte[]{1, -2, 127, -128};
            k.bools = new boolean[]{true, false, true};
            k.chars = new char[]{'a', '\u20ac'};
            k.shorts = new short[]{1, -1, 32767};
            k.ints = new int[]{1, -1, Integer.MIN_VALUE};
            k.longs = new long[]{Long.MAX_VALUE, -5};
            k.floats = new float[]{0.5f, -0.25f};
            k.doubles = new double[]{1e300, -0.0};
            k.strings = new String[]{"a", null, "\u00fc"};
            k.decs = new BigDecimal[]{new BigDecimal("1.1"), BigDecimal.ZERO};
            k.times = new LocalTime[]{LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999999000)};
            k.dates = new LocalDate[]{LocalDate.of(1970, 1, 1), LocalDate.of(9999, 12, 31)};
            k.tss = new LocalDateTime[]{LocalDateTime.of(2000, 1, 1, 0, 0)};
            k.tstzs = new OffsetDateTime[]{OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 0, ZoneOffset.ofHours(-8))};
            k.foo = new Foo("nested");
            k.nullFoo = null;
            k.foos = new Portable[]{new Foo("x"), new Foo("y")};
            k.nullInts = null;
            return k;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return 2;
        }

        @Override
        public void writePortable(PortableWriter w) throws IOException {
            w.writeByte("b", b);
            w.writeBoolean("bool", bool);
            w.writeChar("c", c);
            w.writeShort("s", s);
            w.writeInt("i", i);
            w.writeLong("l", l);
            w.writeFloat("f", f);
            w.writeDouble("d", d);
            w.writeString("str", str);
            w.writeString("nullStr", nullStr);
            w.writeDecimal("dec", dec);
            w.writeTime("time", time);
            w.writeDate("date", date);
            w.writeTimestamp("ts", ts);
            w.writeTimestampWithTimezone("tstz", tstz);
            w.writeByteArray("bytes", bytes);
            w.writeBooleanArray("bools", bools);
            w.writeCharArray("chars", chars);
            w.writeShortArray("shorts", shorts);
            w.writeIntArray("ints", ints);
            w.writeLongArray("longs", longs);
            w.writeFloatArray("floats", floats);
            w.writeDoubleArray("doubles", doubles);
            w.writeStringArray("strings", strings);
            w.writeDecimalArray("decs", decs);
            w.writeTimeArray("times", times);
            w.writeDateArray("dates", dates);
            w.writeTimestampArray("tss", tss);
            w.writeTimestampWithTimezoneArray("tstzs", tstzs);
            w.writePortable("foo", foo);
            w.writeNullPortable("nullFoo", FACTORY_ID, 1);
            w.writePortableArray("foos", foos);
            w.writeIntArray("nullInts", nullInts);
        }

        @Override
        public void readPortable(PortableReader rd) throws IOException {
            b = rd.readByte("b");
            bool = rd.readBoolean("bool");
            c = rd.readChar("c");
            s = rd.readShort("s");
            i = rd.readInt("i");
            l = rd.readLong("l");
            f = rd.readFloat("f");
            d = rd.readDouble("d");
            str = rd.readString("str");
            nullStr = rd.readString("nullStr");
            dec = rd.readDecimal("dec");
            time = rd.readTime("time");
            date = rd.readDate("date");
            ts = rd.readTimestamp("ts");
            tstz = rd.readTimestampWithTimezone("tstz");
            bytes = rd.readByteArray("bytes");
            bools = rd.readBooleanArray("bools");
            chars = rd.readCharArray("chars");
            shorts = rd.readShortArray("shorts");
            ints = rd.readIntArray("ints");
            longs = rd.readLongArray("longs");
            floats = rd.readFloatArray("floats");
            doubles = rd.readDoubleArray("doubles");
            strings = rd.readStringArray("strings");
            decs = rd.readDecimalArray("decs");
            times = rd.readTimeArray("times");
            dates = rd.readDateArray("dates");
            tss = rd.readTimestampArray("tss");
            tstzs = rd.readTimestampWithTimezoneArray("tstzs");
            foo = rd.readPortable("foo");
            nullFoo = rd.readPortable("nullFoo");
            foos = rd.readPortableArray("foos");
            nullInts = rd.readIntArray("nullInts");
        }

        @Override
        public String render() {
            return "KitchenSink{b=" + r(b) + ",bool=" + r(bool) + ",c=" + r(c) + ",s=" + r(s) + ",i=" + r(i)
                    + ",l=" + r(l) + ",f=" + r(f) + ",d=" + r(d) + ",str=" + r(str) + ",nullStr=" + r(nullStr)
                    + ",dec=" + r(dec) + ",time=" + r(time) + ",date=" + r(date) + ",ts=" + r(ts)
                    + ",tstz=" + r(tstz) + ",bytes=" + r(bytes) + ",bools=" + r(bools) + ",chars=" + r(chars)
                    + ",shorts=" + r(shorts) + ",ints=" + r(ints) + ",longs=" + r(longs) + ",floats=" + r(floats)
                    + ",doubles=" + r(doubles) + ",strings=" + r(strings) + ",decs=" + r(decs)
                    + ",times=" + r(times) + ",dates=" + r(dates) + ",tss=" + r(tss) + ",tstzs=" + r(tstzs)
                    + ",foo=" + r(foo) + ",nullFoo=" + r(nullFoo) + ",foos=" + r(foos)
                    + ",nullInts=" + r(nullInts) + "}";
        }
    }

    public static class Factory implements PortableFactory {
        @Override
        public Portable create(int classId) {
            switch (classId) {
                case 1:
                    return new Foo();
                case 2:
                    return new KitchenSink();
                default:
                    return null;
            }
        }
    }

    /** The class definition of Employee (factory 2, class 1): name, age, active. */
    public static ClassDefinition employeeDefinition() {
        return new ClassDefinitionBuilder(EMPLOYEE_FACTORY_ID, 1)
                .addStringField("name")
                .addIntField("age")
                .addBooleanField("active")
                .build();
    }

    /** An Employee built without the class, as the member would hold one. */
    public static GenericRecord employee(String name, int age, boolean active) {
        return GenericRecordBuilder.portable(employeeDefinition())
                .setString("name", name)
                .setInt32("age", age)
                .setBoolean("active", active)
                .build();
    }
}
