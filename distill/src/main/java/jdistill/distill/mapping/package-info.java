/**
 * Layer mappings: which teacher layer(s) each student layer learns from. {@link
 * jdistill.distill.mapping.LayerMapSpec} is the config form, {@link
 * jdistill.distill.mapping.LayerMaps} the strategies (uniform, skip, last-k, explicit, all,
 * random), {@link jdistill.distill.mapping.LayerMap} the result and {@link
 * jdistill.distill.mapping.LayerMapper} the per-run holder that re-draws random maps.
 */
package jdistill.distill.mapping;
