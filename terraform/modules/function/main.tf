resource "google_cloudfunctions2_function" "this" {
  name        = var.name
  location    = var.region
  description = var.description

  build_config {
    # Node.js 20 was decommissioned on 2026-10-30; 22 is supported until 2027-10-31.
    runtime     = "nodejs22"
    entry_point = var.entry_point
    source {
      storage_source {
        bucket = var.source_bucket
        object = var.source_object
      }
    }
  }

  service_config {
    available_memory               = var.memory
    timeout_seconds                = var.timeout_seconds
    max_instance_count             = var.max_instances
    ingress_settings               = var.ingress
    all_traffic_on_latest_revision = true
    service_account_email          = var.service_account_email
    environment_variables          = merge(var.environment, { FUNCTION_TARGET = var.entry_point })
  }

  dynamic "event_trigger" {
    for_each = var.event_trigger == null ? [] : [var.event_trigger]
    content {
      trigger_region        = var.region
      event_type            = event_trigger.value.event_type
      service_account_email = event_trigger.value.service_account_email
      # Eventarc retries a failed delivery for up to 24 h; the handler acknowledges permanent
      # errors itself and gives events older than MAX_EVENT_AGE_SECONDS one last attempt (a failure
      # is recorded as EVENT_EXPIRED, not retried), so retries stay finite.
      retry_policy = "RETRY_POLICY_RETRY"
      event_filters {
        attribute = "bucket"
        value     = event_trigger.value.bucket
      }
    }
  }
}
