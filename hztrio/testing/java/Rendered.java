package hztrio.testing;

/** A test value that renders itself in the helper's canonical text form (see SerializationHelper.render). */
public interface Rendered {
    String render();
}
