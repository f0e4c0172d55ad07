package dev.lanes.common.error;

/** One invalid field of a request: {@code field} is a JSON path such as {@code resources.cpu}. */
public record FieldError(String field, String message) {}
