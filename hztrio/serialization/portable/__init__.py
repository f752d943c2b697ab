"""Portable serialization: named, typed fields that members can query without the class."""

from __future__ import annotations

from .classdef import ClassDefinition as ClassDefinition
from .classdef import ClassDefinitionBuilder as ClassDefinitionBuilder
from .classdef import FieldDefinition as FieldDefinition
from .classdef import FieldType as FieldType

__all__ = ["ClassDefinition", "ClassDefinitionBuilder", "FieldDefinition", "FieldType"]
