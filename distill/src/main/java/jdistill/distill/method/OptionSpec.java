package jdistill.distill.method;

/**
 * One option a method accepts: its name as written in a config, a type name for messages
 * ("double", "int", "bool", "string", "int-list"), the default, and a one-line description.
 */
public record OptionSpec(String name, String type, Object defaultValue, String description) {}
