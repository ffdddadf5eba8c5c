output "url" {
  description = "HTTPS URL of the function."
  value       = google_cloudfunctions2_function.this.service_config[0].uri
}

output "service_name" {
  description = "Cloud Run service backing the function (for run.invoker bindings)."
  value       = google_cloudfunctions2_function.this.service_config[0].service
}
