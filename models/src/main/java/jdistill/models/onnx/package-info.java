/**
 * ONNX weight import: parses ONNX files with protobuf-java and a subset of ONNX's schema
 * ({@code src/main/proto/onnx_subset.proto}, compiled at build time), and turns BERT-family exports
 * into Hugging Face BERT checkpoints ({@link jdistill.models.onnx.OnnxBertImporter}).
 */
package jdistill.models.onnx;
