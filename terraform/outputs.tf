output "api_url" {
  description = "Base URL of the registry API (append /api/models)."
  value       = module.api.url
}

output "dashboard_url" {
  description = "Where the dashboard is served (upload dashboard/dist here)."
  value       = "https://storage.googleapis.com/${google_storage_bucket.dashboard.name}/index.html"
}

output "pushes_bucket" {
  description = "Point training pipelines' Pusher at gs://<this>/<run_id>/pushed_model."
  value       = google_storage_bucket.pushes.name
}

output "registry_bucket" {
  description = "Content-addressed blob store of registered versions."
  value       = google_storage_bucket.registry.name
}

output "events_topic" {
  description = "Pub/Sub topic carrying registry events (CloudEvents JSON)."
  value       = google_pubsub_topic.registry_events.id
}

output "scheduler_invoker_email" {
  description = "Service account whose OIDC tokens Cloud Scheduler sends to the trigger."
  value       = google_service_account.scheduler_invoker.email
}
