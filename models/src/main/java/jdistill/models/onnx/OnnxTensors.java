package jdistill.models.onnx;

import com.google.protobuf.ByteString;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;
import jdistill.models.onnx.proto.OnnxProto.StringStringEntryProto;
import jdistill.models.onnx.proto.OnnxProto.TensorProto;

/**
 * Converts ONNX {@code TensorProto}s to engine tensors: from {@code raw_data} (little-endian, as
 * exporters write weights) or from the typed fields ({@code float_data}, {@code int32_data}, ...),
 * for the element types the engine has (float32/64, float16, bfloat16, int32, int64).
 */
public final class OnnxTensors {

  private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfDouble DOUBLE_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private OnnxTensors() {}

  /** The engine dtype of an ONNX tensor, or null when the engine has no such type. */
  public static DType dtypeOrNull(TensorProto t) {
    TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
    if (type == null) return null;
    return switch (type) {
      case FLOAT -> DType.F32;
      case DOUBLE -> DType.F64;
      case FLOAT16 -> DType.F16;
      case BFLOAT16 -> DType.BF16;
      case INT32 -> DType.I32;
      case INT64 -> DType.I64;
      default -> null;
    };
  }

  /** The ONNX name of a tensor's element type ("FLOAT", "UINT8", ...). */
  public static String typeName(TensorProto t) {
    TensorProto.DataType d = TensorProto.DataType.forNumber(t.getDataType());
    return d == null ? "unknown type " + t.getDataType() : d.name();
  }

  /** The shape, checked to fit the engine's int dimensions. */
  public static int[] shape(TensorProto t, String source) {
    int[] shape = new int[t.getDimsCount()];
    for (int i = 0; i < shape.length; i++) {
      long d = t.getDims(i);
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new OnnxFormatException(source + ": tensor \"" + t.getName() + "\" has dimension " + d + " in shape " + t.getDimsList());
      }
      shape[i] = (int) d;
    }
    return shape;
  }

  /** Number of elements. */
  public static long numel(TensorProto t, String source) {
    long n = 1;
    for (int d : shape(t, source)) n = Math.multiplyExact(n, d);
    return n;
  }

  /** True when the tensor's bytes live in a separate file rather than in the model. */
  public static boolean isExternal(TensorProto t) {
    return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0;
  }

  /**
   * The elements of a numeric tensor as doubles, decoded directly (for small constants: shapes,
   * scales, epsilons); null for element types the engine has no dtype for or external data.
   */
  public static double[] toDoubles(TensorProto t, String source) {
    DType dtype = dtypeOrNull(t);
    if (dtype == null || isExternal(t)) return null;
    int n = Math.toIntExact(numel(t, source));
    double[] out = new double[n];
    if (t.hasRawData()) {
      if (t.getRawData().size() != (long) n * dtype.byteSize()) return null;
      MemorySegment seg = MemorySegment.ofBuffer(t.getRawData().asReadOnlyByteBuffer());
      for (int i = 0; i < n; i++) {
        out[i] = switch (dtype) {
          case F32 -> seg.getAtIndex(FLOAT_LE, i);
          case F64 -> seg.getAtIndex(DOUBLE_LE, i);
          case I32 -> seg.getAtIndex(INT_LE, i);
          case I64 -> seg.getAtIndex(LONG_LE, i);
          case F16 -> Float.float16ToFloat(seg.getAtIndex(SHORT_LE, i));
          case BF16 -> Float.intBitsToFloat((seg.getAtIndex(SHORT_LE, i) & 0xffff) << 16);
        };
      }
      return out;
    }
    for (int i = 0; i < n; i++) {
      out[i] = switch (dtype) {
        case F32 -> i < t.getFloatDataCount() ? t.getFloatData(i) : Double.NaN;
        case F64 -> i < t.getDoubleDataCount() ? t.getDoubleData(i) : Double.NaN;
        case I64 -> i < t.getInt64DataCount() ? t.getInt64Data(i) : Double.NaN;
        case I32 -> i < t.getInt32DataCount() ? t.getInt32Data(i) : Double.NaN;
        case F16 -> i < t.getInt32DataCount() ? Float.float16ToFloat((short) t.getInt32Data(i)) : Double.NaN;
        case BF16 -> i < t.getInt32DataCount() ? Float.intBitsToFloat((t.getInt32Data(i) & 0xffff) << 16) : Double.NaN;
      };
    }
    return out;
  }

  /** Converts {@code t} (from the model {@code source}, named in errors) to a CPU tensor. */
  public static Tensor toTensor(TensorProto t, String source) {
    String what = source + ": tensor \"" + t.getName() + "\"";
    if (isExternal(t)) {
      String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
          .map(StringStringEntryProto::getValue).findFirst().orElse("?");
      throw new OnnxFormatException(what + " keeps its data in an external file (\"" + location + "\"); jdistill reads only ONNX files "
          + "with the weights inside: re-save the model with onnx.save_model(model, path, save_as_external_data=False) "
          + "(possible when it is under 2 GB)");
    }
    DType dtype = dtypeOrNull(t);
    if (dtype == null) {
      throw new OnnxFormatException(what + " has element type " + typeName(t)
          + "; jdistill imports FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT32 and INT64 tensors (a quantized export cannot be imported)");
    }
    int[] shape = shape(t, source);
    long n = numel(t, source);
    long bytes = n * dtype.byteSize();
    if (t.hasRawData()) {
      ByteString raw = t.getRawData();
      if (raw.size() != bytes) {
        throw new OnnxFormatException(what + " of type " + typeName(t) + " and shape " + Arrays.toString(shape) + " needs " + bytes
            + " bytes of raw_data, has " + raw.size());
      }
      return Tensor.fromSegment(MemorySegment.ofBuffer(raw.asReadOnlyByteBuffer()), dtype, Device.CPU, shape);
    }
    int count = switch (dtype) {
      case F32 -> t.getFloatDataCount();
      case F64 -> t.getDoubleDataCount();
      case I64 -> t.getInt64DataCount();
      case I32, F16, BF16 -> t.getInt32DataCount();
    };
    if (count != n) {
      throw new OnnxFormatException(what + " of shape " + Arrays.toString(shape) + " has " + count + " stored elements, expected " + n);
    }
    MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(bytes)]);
    for (int i = 0; i < n; i++) {
      switch (dtype) {
        case F32 -> seg.setAtIndex(FLOAT_LE, i, t.getFloatData(i));
        case F64 -> seg.setAtIndex(DOUBLE_LE, i, t.getDoubleData(i));
        case I64 -> seg.setAtIndex(LONG_LE, i, t.getInt64Data(i));
        case I32 -> seg.setAtIndex(INT_LE, i, t.getInt32Data(i));
        // ONNX stores one 16-bit pattern per int32 element for float16 and bfloat16.
        case F16, BF16 -> seg.setAtIndex(SHORT_LE, i, (short) t.getInt32Data(i));
      }
    }
    return Tensor.fromSegment(seg, dtype, Device.CPU, shape);
  }
}
