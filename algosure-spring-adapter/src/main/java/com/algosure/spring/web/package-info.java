/**
 * The HTTP side of the adapter: reading the active organization and approval from request headers (the
 * organization also from a query parameter, if {@code algosure.web.organization-parameter} is set), and
 * writing RFC 9457 {@code application/problem+json} responses for denials, refused tokens and integration
 * outcomes. Depends on Spring Web MVC and the servlet API.
 */
@NullMarked
package com.algosure.spring.web;

import org.jspecify.annotations.NullMarked;
