package jdistill.distill.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import jdistill.distill.schedule.ValueSchedule;

/** Reads a {@link ValueSchedule} field (a number or a schedule map) through {@link ValueSchedule#parse}. */
final class ScheduleDeserializer extends StdDeserializer<ValueSchedule> {

  ScheduleDeserializer() {
    super(ValueSchedule.class);
  }

  @Override
  public ValueSchedule deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    Object raw = ctxt.readValue(p, Object.class);
    try {
      return ValueSchedule.parse(raw);
    } catch (IllegalArgumentException e) {
      throw JsonMappingException.from(p, e.getMessage(), e);
    }
  }
}
