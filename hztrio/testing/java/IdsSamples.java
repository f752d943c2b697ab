package hztrio.testing;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;

/** IdentifiedDataSerializable test classes: the seed README's Address (factory 1, class 1). */
public final class IdsSamples {

    public static final int FACTORY_ID = 1;

    private IdsSamples() {
    }

    public static class Address implements IdentifiedDataSerializable, Rendered {
        public String street;
        public int zipCode;
        public String city;
        public String state;

        public Address() {
        }

        public Address(String street, int zipCode, String city, String state) {
            this.street = street;
            this.zipCode = zipCode;
            this.city = city;
            this.state = state;
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
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(street);
            out.writeInt(zipCode);
            out.writeString(city);
            out.writeString(state);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            street = in.readString();
            zipCode = in.readInt();
            city = in.readString();
            state = in.readString();
        }

        @Override
        public String render() {
            return "Address{" + SerializationHelper.render(street) + "," + zipCode + ","
                    + SerializationHelper.render(city) + "," + SerializationHelper.render(state) + "}";
        }
    }

    public static class Factory implements DataSerializableFactory {
        @Override
        public IdentifiedDataSerializable create(int typeId) {
            return typeId == 1 ? new Address() : null;
        }
    }
}
