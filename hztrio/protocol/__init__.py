"""The Hazelcast Open Client Protocol 2.x, sans-I/O.

Frames and messages (:mod:`.frame`), the codec declaration language and its compiler
(:mod:`.codec`), custom types (:mod:`.custom`, :mod:`.types`) and one declaration module per
service (:mod:`.codecs`). Nothing in this package performs I/O or imports trio or anyio.
"""
