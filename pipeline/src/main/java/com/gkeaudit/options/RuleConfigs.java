package com.gkeaudit.options;

import com.gkeaudit.rules.RuleConfig;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Builds the rules' {@link RuleConfig} from the options: each record component takes the value of the option of the
 * same name, so a new threshold is declared once (on {@link GkeAuditOptions}) and read where its rule needs it.
 * Comma-separated options become lists; label values ({@code Set<String>}) are lower-cased, as labels are compared.
 */
public final class RuleConfigs {
  private RuleConfigs() {}

  public static RuleConfig from(GkeAuditOptions options) {
    RecordComponent[] components = RuleConfig.class.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = convert(components[i], read(options, components[i].getName()));
    }
    try {
      Constructor<RuleConfig> constructor = RuleConfig.class.getDeclaredConstructor(types);
      return constructor.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build RuleConfig from the options", e);
    }
  }

  /** The rule configuration of a command line's options (defaults for what it leaves out). */
  public static RuleConfig of(String... args) {
    PipelineOptionsFactory.register(GkeAuditOptions.class);
    return from(PipelineOptionsFactory.fromArgs(args).as(GkeAuditOptions.class));
  }

  /** The default rule configuration. */
  public static RuleConfig defaults() {
    return of();
  }

  private static Object read(GkeAuditOptions options, String name) {
    try {
      Method getter =
          GkeAuditOptions.class.getMethod("get" + Character.toUpperCase(name.charAt(0)) + name.substring(1));
      return getter.invoke(options);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("RuleConfig." + name + " has no option --" + name, e);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read option --" + name, e);
    }
  }

  private static Object convert(RecordComponent component, Object value) {
    Class<?> type = component.getType();
    if (type == List.class || type == Set.class) {
      List<String> items = RuleConfig.splitList((String) value);
      if (type == List.class) {
        return items;
      }
      if (!(component.getGenericType() instanceof ParameterizedType)) {
        throw new IllegalStateException(component.getName() + ": a raw Set");
      }
      return items.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
    return value; // int, long, double, String: unboxed by the constructor call
  }
}
