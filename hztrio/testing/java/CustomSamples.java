package hztrio.testing;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;

import java.io.IOException;

/**
 * Custom and global serializer test classes: the seed README's Musician with a custom
 * serializer of type id 10, and a global serializer of type id 20 that writes Tagged values
 * as one string.
 */
public final class CustomSamples {

    private CustomSamples() {
    }

    public static class Musician implements Rendered {
        public String name;

        public Musician(String name) {
            this.name = name;
        }

        @Override
        public String render() {
            return "Musician{" + SerializationHelper.render(name) + "}";
        }
    }

    public static class MusicianSerializer implements StreamSerializer<Musician> {
        @Override
        public int getTypeId() {
            return 10;
        }

        @Override
        public void write(ObjectDataOutput out, Musician object) throws IOException {
            out.writeString(object.name);
        }

        @Override
        public Musician read(ObjectDataInput in) throws IOException {
            return new Musician(in.readString());
        }
    }

    /** A class of which only the global serializer knows. */
    public static class Tagged implements Rendered {
        public String text;

        public Tagged(String text) {
            this.text = text;
        }

        @Override
        public String render() {
            return "Tagged{" + SerializationHelper.render(text) + "}";
        }
    }

    public static class GlobalSerializer implements StreamSerializer<Object> {
        @Override
        public int getTypeId() {
            return 20;
        }

        @Override
        public void write(ObjectDataOutput out, Object object) throws IOException {
            out.writeString(((Tagged) object).text);
        }

        @Override
        public Object read(ObjectDataInput in) throws IOException {
            return new Tagged(in.readString());
        }
    }
}
