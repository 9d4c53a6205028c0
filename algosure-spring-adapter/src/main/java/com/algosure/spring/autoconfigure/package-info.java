/**
 * Spring Boot auto-configuration for the Algosure SDK and its {@code algosure.*} properties. Every bean is
 * {@code @ConditionalOnMissingBean}: declare your own to replace it. Bad configuration fails at start-up
 * with an {@link com.algosure.spring.InvalidAlgosureConfigurationException} naming the property.
 */
@NullMarked
package com.algosure.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
