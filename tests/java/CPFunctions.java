package hztrio.test;

import com.hazelcast.core.IFunction;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;

/**
 * Factory 66: the functions of the CP tests (AtomicLong and AtomicReference alter/apply).
 * Their Python twins are in tests/integration/test_cp.py.
 */
public class CPFunctions implements DataSerializableFactory {
    public static final int FACTORY_ID = 66;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        switch (typeId) {
            case Multiply.CLASS_ID:
                return new Multiply();
            case DescribeLong.CLASS_ID:
                return new DescribeLong();
            case Append.CLASS_ID:
                return new Append();
            case Length.CLASS_ID:
                return new Length();
            case Fail.CLASS_ID:
                return new Fail();
            default:
                return null;
        }
    }

    /** A function object without state beyond what its subclass writes. */
    abstract static class Function implements IdentifiedDataSerializable {
        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
        }
    }

    /** AtomicLong: the value times a factor. */
    public static class Multiply extends Function implements IFunction<Long, Long> {
        static final int CLASS_ID = 1;
        private long factor;

        @Override
        public int getClassId() {
            return CLASS_ID;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeLong(factor);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            factor = in.readLong();
        }

        @Override
        public Long apply(Long input) {
            return input * factor;
        }
    }

    /** AtomicLong: the value described as a String ("value=7"). */
    public static class DescribeLong extends Function implements IFunction<Long, String> {
        static final int CLASS_ID = 2;

        @Override
        public int getClassId() {
            return CLASS_ID;
        }

        @Override
        public String apply(Long input) {
            return "value=" + input;
        }
    }

    /** AtomicReference of Strings: the value with a suffix (the suffix alone for null). */
    public static class Append extends Function implements IFunction<Object, Object> {
        static final int CLASS_ID = 3;
        private String suffix;

        @Override
        public int getClassId() {
            return CLASS_ID;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(suffix);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            suffix = in.readString();
        }

        @Override
        public Object apply(Object input) {
            return input == null ? suffix : input + suffix;
        }
    }

    /** AtomicReference of Strings: the value's length as an Integer (null for null). */
    public static class Length extends Function implements IFunction<Object, Object> {
        static final int CLASS_ID = 4;

        @Override
        public int getClassId() {
            return CLASS_ID;
        }

        @Override
        public Object apply(Object input) {
            return input == null ? null : ((String) input).length();
        }
    }

    /** Any structure: throws IllegalStateException with a fixed message. */
    public static class Fail extends Function implements IFunction<Object, Object> {
        static final int CLASS_ID = 5;

        @Override
        public int getClassId() {
            return CLASS_ID;
        }

        @Override
        public Object apply(Object input) {
            throw new IllegalStateException("hztrio test function failed on purpose");
        }
    }
}
