package jdistill.engine.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import jdistill.engine.DType;

/**
 * The element types a safetensors header may name, in the order of the reference (Rust)
 * implementation's {@code Dtype} enum, which its writer uses to order tensors (descending, so
 * wider types come first and stay aligned). Each type knows its byte size and the engine
 * {@link DType} it loads as: the engine's own types load unchanged; BOOL, U8, I8, I16 and U16 are
 * widened to I32 and U32 to I64; the rest (U64, C64, the 8-bit floats) can be read only as raw
 * bytes. The sub-byte types (F4, F6_*) are recognised so that they are reported as unsupported
 * rather than unknown.
 */
public enum SafetensorsDType {
  BOOL(1, DType.I32),
  F4(0, null),
  F6_E2M3(0, null),
  F6_E3M2(0, null),
  U8(1, DType.I32),
  I8(1, DType.I32),
  F8_E5M2(1, null),
  F8_E4M3(1, null),
  F8_E8M0(1, null),
  I16(2, DType.I32),
  U16(2, DType.I32),
  F16(2, DType.F16),
  BF16(2, DType.BF16),
  I32(4, DType.I32),
  U32(4, DType.I64),
  F32(4, DType.F32),
  C64(8, null),
  F64(8, DType.F64),
  I64(8, DType.I64),
  U64(8, null);

  private final int byteSize;
  private final DType engineType;

  SafetensorsDType(int byteSize, DType engineType) {
    this.byteSize = byteSize;
    this.engineType = engineType;
  }

  /** Bytes per element; 0 for the sub-byte types, which this package does not support. */
  public int byteSize() {
    return byteSize;
  }

  /** True for the sub-byte types (F4, F6_*), whose files this package rejects. */
  public boolean isSubByte() {
    return byteSize == 0;
  }

  /** The engine type a tensor of this dtype loads as, if it can be loaded at all. */
  public Optional<DType> engineType() {
    return Optional.ofNullable(engineType);
  }

  /** True when loading converts the values to a wider engine type (e.g. U8 to I32). */
  public boolean isWidened() {
    return engineType != null && engineType.byteSize() != byteSize;
  }

  /** The safetensors dtype an engine tensor of {@code dtype} is saved as. */
  public static SafetensorsDType of(DType dtype) {
    return valueOf(dtype.safetensorsName());
  }

  /** The dtype named {@code name} in a header, if it is a safetensors dtype. */
  public static Optional<SafetensorsDType> fromHeaderName(String name) {
    for (SafetensorsDType t : values()) {
      if (t.name().equals(name)) return Optional.of(t);
    }
    return Optional.empty();
  }

  /** All header names, for error messages. */
  static String allNames() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
