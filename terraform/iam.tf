# One service account per function, each granted only what its code calls, on the resource
# itself wherever the service allows it.

resource "google_service_account" "api" {
  account_id   = "registry-api"
  display_name = "Model registry API function"
}

resource "google_service_account" "register" {
  account_id   = "registry-register"
  display_name = "Model registry register function (storage events)"
}

resource "google_service_account" "trigger" {
  account_id   = "registry-trigger"
  display_name = "Model registry training trigger function"
}

resource "google_service_account" "sync" {
  account_id   = "registry-sync"
  display_name = "Model registry run-outcome sync and schedule reconcile"
}

resource "google_service_account" "events" {
  account_id   = "registry-events"
  display_name = "Model registry minute job (publishes registry events, retries Vertex AI mirrors)"
}

resource "google_service_account" "pipeline" {
  account_id   = "registry-pipeline"
  display_name = "Identity Vertex AI pipeline runs execute as"
}

resource "google_service_account" "scheduler_invoker" {
  account_id   = "registry-scheduler"
  display_name = "Cloud Scheduler jobs calling the trigger (OIDC tokens)"
}

resource "google_service_account" "eventarc" {
  account_id   = "registry-eventarc"
  display_name = "Eventarc delivering pushes-bucket events"
}

# Firestore IAM exists only at project level: the API reads and writes the registry's documents.
resource "google_project_iam_member" "api_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.api.email}"
}

# The API streams blobs into ZIP downloads and checks blobs exist when promoting.
resource "google_storage_bucket_iam_member" "api_reads_registry" {
  bucket = google_storage_bucket.registry.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.api.email}"
}

# Promotion stores a pushed directory's files write-once (create only, never overwrite).
resource "google_storage_bucket_iam_member" "api_creates_blobs" {
  bucket = google_storage_bucket.registry.name
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${google_service_account.api.email}"
}

# Promotion reads the pushed directory it is asked to promote.
resource "google_storage_bucket_iam_member" "api_reads_pushes" {
  bucket = google_storage_bucket.pushes.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.api.email}"
}

# Deploy/undeploy and alias moves call Vertex AI; its IAM has no per-model bindings.
resource "google_project_iam_member" "api_vertex" {
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.api.email}"
}

# The API publishes registry events (deployed, alias moved, archived) on this topic only.
resource "google_pubsub_topic_iam_member" "api_publishes" {
  topic  = google_pubsub_topic.registry_events.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.api.email}"
}

# The register function writes versions, pushes and runs in Firestore.
resource "google_project_iam_member" "register_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.register.email}"
}

# It lists and hashes what pipelines pushed; it never changes the pushes bucket.
resource "google_storage_bucket_iam_member" "register_reads_pushes" {
  bucket = google_storage_bucket.pushes.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.register.email}"
}

# It copies blobs in write-once (create only: objectCreator cannot overwrite or delete).
resource "google_storage_bucket_iam_member" "register_creates_blobs" {
  bucket = google_storage_bucket.registry.name
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${google_service_account.register.email}"
}

# It checks whether a blob already exists (dedup) before copying.
resource "google_storage_bucket_iam_member" "register_reads_blobs" {
  bucket = google_storage_bucket.registry.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.register.email}"
}

# It mirrors each version to Vertex AI Model Registry (uploadModel).
resource "google_project_iam_member" "register_vertex" {
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.register.email}"
}

# It publishes version.registered / version.registration_failed.
resource "google_pubsub_topic_iam_member" "register_publishes" {
  topic  = google_pubsub_topic.registry_events.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.register.email}"
}

# The trigger creates training runs in Firestore.
resource "google_project_iam_member" "trigger_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.trigger.email}"
}

# The trigger starts Vertex AI pipeline jobs and reads their state (run sync).
resource "google_project_iam_member" "trigger_vertex" {
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.trigger.email}"
}

# The sync reads each run's metrics.json from the pushes bucket.
resource "google_storage_bucket_iam_member" "sync_reads_pushes" {
  bucket = google_storage_bucket.pushes.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.sync.email}"
}

# The sync records run outcomes in Firestore.
resource "google_project_iam_member" "sync_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.sync.email}"
}

# The sync reads pipeline job states from Vertex AI.
resource "google_project_iam_member" "sync_vertex" {
  project = var.project_id
  role    = "roles/aiplatform.viewer"
  member  = "serviceAccount:${google_service_account.sync.email}"
}

# Eventarc's trigger identity must be an event receiver to deliver to the register function.
resource "google_project_iam_member" "eventarc_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.eventarc.email}"
}

data "google_storage_project_service_account" "gcs" {}

# Cloud Storage publishes bucket notifications through Pub/Sub for Eventarc; its service agent
# needs publisher rights (project level: the topic is created by Eventarc).
resource "google_project_iam_member" "gcs_agent_publishes" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

# Schedules are Cloud Scheduler jobs the API creates, updates, pauses and deletes.
resource "google_project_iam_member" "api_scheduler" {
  project = var.project_id
  role    = "roles/cloudscheduler.admin"
  member  = "serviceAccount:${google_service_account.api.email}"
}

# Creating a job that carries the invoker's OIDC identity requires acting as that account.
resource "google_service_account_iam_member" "api_acts_as_scheduler_invoker" {
  service_account_id = google_service_account.scheduler_invoker.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.api.email}"
}

# The trigger launches pipeline jobs that run as the pipeline account.
resource "google_service_account_iam_member" "trigger_acts_as_pipeline" {
  service_account_id = google_service_account.pipeline.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.trigger.email}"
}

# The sync repairs drift between schedules and their jobs: create, update, delete.
resource "google_project_iam_member" "sync_scheduler" {
  project = var.project_id
  role    = "roles/cloudscheduler.admin"
  member  = "serviceAccount:${google_service_account.sync.email}"
}

# Repaired jobs carry the invoker's OIDC identity, which requires acting as it.
resource "google_service_account_iam_member" "sync_acts_as_scheduler_invoker" {
  service_account_id = google_service_account.scheduler_invoker.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.sync.email}"
}

# Pipeline runs write pushed models and metrics into the pushes bucket (create only).
resource "google_storage_bucket_iam_member" "pipeline_pushes" {
  bucket = google_storage_bucket.pushes.name
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${google_service_account.pipeline.email}"
}

# Pipeline steps run on Vertex AI as this account.
resource "google_project_iam_member" "pipeline_vertex" {
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.pipeline.email}"
}

# The drain reads pending events from the outbox and marks them sent.
resource "google_project_iam_member" "events_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.events.email}"
}

# The drain publishes on the events topic only.
resource "google_pubsub_topic_iam_member" "events_publishes" {
  topic  = google_pubsub_topic.registry_events.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.events.email}"
}

# It uploads versions whose Vertex AI mirror failed (uploadModel, alias moves): the register function's own grant.
resource "google_project_iam_member" "events_vertex" {
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.events.email}"
}

# Serving figures (the Deployment tab's charts, canary rollout guards) are Vertex AI's
# prediction/online/* metrics in Cloud Monitoring: reading time series is all they need, so a
# custom role with that one permission rather than roles/monitoring.viewer (dashboards, alerting, ...).
resource "google_project_iam_custom_role" "serving_figures_reader" {
  project     = var.project_id
  role_id     = "registryServingFiguresReader"
  title       = "Model registry serving figures reader"
  description = "Reads Vertex AI online prediction metrics (monitoring.timeSeries.list) for the registry's monitoring and canary guards."
  permissions = ["monitoring.timeSeries.list"]
}

# The API answers GET /api/models/{id}/monitoring. Its predict route (aiplatform.endpoints.predict)
# and rollout traffic changes (aiplatform.endpoints.get/update) are in roles/aiplatform.user, granted above.
resource "google_project_iam_member" "api_reads_serving_figures" {
  project = var.project_id
  role    = google_project_iam_custom_role.serving_figures_reader.id
  member  = "serviceAccount:${google_service_account.api.email}"
}

# The minute job judges running rollouts on the same figures; its traffic changes and the champion's
# undeploy (aiplatform.endpoints.update/undeploy) are in its roles/aiplatform.user grant above.
resource "google_project_iam_member" "events_reads_serving_figures" {
  project = var.project_id
  role    = google_project_iam_custom_role.serving_figures_reader.id
  member  = "serviceAccount:${google_service_account.events.email}"
}
