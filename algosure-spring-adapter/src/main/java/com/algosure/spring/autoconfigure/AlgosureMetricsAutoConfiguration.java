package com.algosure.spring.autoconfigure;

import com.algosure.spring.metrics.AlgosureMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics for decisions, refused tokens and integration outcomes, where the host has a
 * {@link MeterRegistry} ({@code algosure.metrics.enabled=false} turns them off).
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = AlgosureAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = {"algosure.enabled", "algosure.metrics.enabled"}, matchIfMissing = true)
public class AlgosureMetricsAutoConfiguration {

  /** Created by Spring. */
  public AlgosureMetricsAutoConfiguration() {}

  /**
   * @param registry the host's meter registry
   * @return the metrics listener
   */
  @Bean
  @ConditionalOnMissingBean
  public AlgosureMetrics algosureMetrics(MeterRegistry registry) {
    return new AlgosureMetrics(registry);
  }
}
