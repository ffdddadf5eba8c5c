# One 2nd-gen function per entry point exported by functions/src/index.ts (a test checks both
# directions and the environment each one's config requires).

module "api" {
  source                = "./modules/function"
  name                  = "registry-api"
  entry_point           = "api"
  description           = "Model registry HTTP API (dashboard and CLI)."
  region                = var.region
  source_bucket         = google_storage_bucket.function_source.name
  source_object         = google_storage_bucket_object.functions.name
  service_account_email = google_service_account.api.email
  ingress               = "ALLOW_ALL"
  max_instances         = 50
  # Cloud Run's longest: a deploy waits for its Vertex AI operation (DEPLOY_OPERATION_TIMEOUT_SECONDS,
  # 25 min by default) and a ZIP download of a large version streams for as long as the client reads.
  timeout_seconds = 3600
  environment = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    AUTH_MODE            = "google"
    AUTH_AUDIENCE        = var.auth_audience
    ROLE_BINDINGS        = join(",", [for who, role in var.role_bindings : "${who}=${role}"])
    CORS_ORIGINS         = join(",", concat([local.dashboard_origin], var.cors_origins))
    LOG_LEVEL            = "INFO"
    # Schedules become Cloud Scheduler jobs that call the trigger with the invoker's OIDC token.
    TRIGGER_URL               = local.trigger_url
    TRIGGER_AUDIENCE          = local.trigger_url
    SCHEDULER_LOCATION        = var.region
    SCHEDULER_SERVICE_ACCOUNT = google_service_account.scheduler_invoker.email
    # Deploys, aliases and mirror retries call Vertex AI; registry events go to the topic.
    VERTEX_LOCATION = var.vertex_location
    EVENTS_TOPIC    = google_pubsub_topic.registry_events.name
    REGISTRY_BUCKET = google_storage_bucket.registry.name
    # Promotion reads pushed directories; ZIP downloads read blobs.
    PUSHES_BUCKET = google_storage_bucket.pushes.name
    # Promotion signs the version; GET /api/signing-key serves the keys that signed (signing.tf).
    SIGNING_KEY = local.signing_key_version
    # A small V8 heap keeps a streamed ZIP download's memory flat (API_NODE_OPTIONS explains).
    NODE_OPTIONS = "--max-semi-space-size=2 --max-old-space-size=192"
  }
}

# The API is called from browsers with Google ID tokens minted for the dashboard's OAuth client,
# which Cloud Run's IAM check cannot accept (their audience is not the service URL). So Cloud Run
# lets every request through and the API verifies each token and role itself; /api/health is
# the only route that answers without one.
resource "google_cloud_run_service_iam_member" "api_public" {
  location = var.region
  service  = module.api.service_name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

module "register" {
  source                = "./modules/function"
  name                  = "registry-register"
  entry_point           = "register"
  description           = "Registers every complete pushed model directory as an immutable version and mirrors it to Vertex AI."
  region                = var.region
  source_bucket         = google_storage_bucket.function_source.name
  source_object         = google_storage_bucket_object.functions.name
  service_account_email = google_service_account.register.email
  memory                = "1Gi"
  timeout_seconds       = 540
  max_instances         = 20
  environment = {
    GOOGLE_CLOUD_PROJECT    = var.project_id
    PUSHES_BUCKET           = google_storage_bucket.pushes.name
    REGISTRY_BUCKET         = google_storage_bucket.registry.name
    VERTEX_LOCATION         = var.vertex_location
    SERVING_CONTAINER_IMAGE = var.serving_container_image
    MAX_EVENT_AGE_SECONDS   = tostring(var.max_event_age_seconds)
    # Each registered version is signed (model-signing bundle, signing.tf).
    SIGNING_KEY = local.signing_key_version
    EVENTS_TOPIC            = google_pubsub_topic.registry_events.name
    LOG_LEVEL               = "INFO"
  }
  event_trigger = {
    event_type            = "google.cloud.storage.object.v1.finalized"
    bucket                = google_storage_bucket.pushes.name
    service_account_email = google_service_account.eventarc.email
  }
}

# Eventarc delivers the pushes bucket's events to the register function as this identity.
resource "google_cloud_run_service_iam_member" "eventarc_invokes_register" {
  location = var.region
  service  = module.register.service_name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.eventarc.email}"
}

locals {
  # Gen2 functions also answer on their cloudfunctions.net URL, known before they exist: the
  # trigger and sync check Cloud Scheduler's OIDC tokens against these audiences.
  trigger_url = "https://${var.region}-${var.project_id}.cloudfunctions.net/registry-trigger"
  sync_url    = "https://${var.region}-${var.project_id}.cloudfunctions.net/registry-sync-runs"
}

module "trigger" {
  source                = "./modules/function"
  name                  = "registry-trigger"
  entry_point           = "trigger"
  description           = "Called by Cloud Scheduler: creates a training run and launches its Vertex AI pipeline."
  region                = var.region
  source_bucket         = google_storage_bucket.function_source.name
  source_object         = google_storage_bucket_object.functions.name
  service_account_email = google_service_account.trigger.email
  environment = {
    GOOGLE_CLOUD_PROJECT      = var.project_id
    SCHEDULER_SERVICE_ACCOUNT = google_service_account.scheduler_invoker.email
    OIDC_AUDIENCE             = local.trigger_url
    PUSHES_BUCKET             = google_storage_bucket.pushes.name
    VERTEX_LOCATION           = var.vertex_location
    PIPELINE_SERVICE_ACCOUNT  = google_service_account.pipeline.email
    PIPELINE_ROOT             = "gs://${google_storage_bucket.pushes.name}/pipeline-root"
    LOG_LEVEL                 = "INFO"
  }
}

module "sync_runs" {
  source                = "./modules/function"
  name                  = "registry-sync-runs"
  entry_point           = "syncRuns"
  description           = "Every few minutes: records finished pipeline runs and repairs drift between schedules and their jobs."
  region                = var.region
  source_bucket         = google_storage_bucket.function_source.name
  source_object         = google_storage_bucket_object.functions.name
  service_account_email = google_service_account.sync.email
  timeout_seconds       = 300
  max_instances         = 1
  environment = {
    GOOGLE_CLOUD_PROJECT      = var.project_id
    SCHEDULER_SERVICE_ACCOUNT = google_service_account.scheduler_invoker.email
    OIDC_AUDIENCE             = local.sync_url
    PUSHES_BUCKET             = google_storage_bucket.pushes.name
    VERTEX_LOCATION           = var.vertex_location
    SCHEDULER_LOCATION        = var.region
    TRIGGER_URL               = local.trigger_url
    TRIGGER_AUDIENCE          = local.trigger_url
    LOG_LEVEL                 = "INFO"
  }
}

# Cloud Scheduler calls the trigger with the invoker account's OIDC token.
resource "google_cloud_run_service_iam_member" "scheduler_invokes_trigger" {
  location = var.region
  service  = module.trigger.service_name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler_invoker.email}"
}

# And the periodic sync, with the same identity.
resource "google_cloud_run_service_iam_member" "scheduler_invokes_sync" {
  location = var.region
  service  = module.sync_runs.service_name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler_invoker.email}"
}

resource "google_cloud_scheduler_job" "sync_runs" {
  name        = "registry-sync-runs"
  region      = var.region
  description = "Records pipeline run outcomes and reconciles schedule jobs."
  schedule    = "*/5 * * * *"
  time_zone   = "Etc/UTC"
  http_target {
    uri         = local.sync_url
    http_method = "POST"
    oidc_token {
      service_account_email = google_service_account.scheduler_invoker.email
      audience              = local.sync_url
    }
  }
  retry_config {
    retry_count = 1
  }
}

module "drain_outbox" {
  source                = "./modules/function"
  name                  = "registry-drain-outbox"
  entry_point           = "drainOutbox"
  description           = "Every minute: publishes registry events still pending in the Firestore outbox and retries due Vertex AI mirrors and signatures, and signs audit-chain checkpoints."
  region                = var.region
  source_bucket         = google_storage_bucket.function_source.name
  source_object         = google_storage_bucket_object.functions.name
  service_account_email = google_service_account.events.email
  max_instances         = 1
  environment = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    EVENTS_TOPIC         = google_pubsub_topic.registry_events.name
    VERTEX_LOCATION      = var.vertex_location
    LOG_LEVEL            = "INFO"
    # Signatures that failed (KMS unavailable) are retried here: manifests in, bundles out.
    REGISTRY_BUCKET = google_storage_bucket.registry.name
    SIGNING_KEY     = local.signing_key_version
  }
}

# Cloud Scheduler runs the outbox drain with the invoker identity.
resource "google_cloud_run_service_iam_member" "scheduler_invokes_drain" {
  location = var.region
  service  = module.drain_outbox.service_name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler_invoker.email}"
}

resource "google_cloud_scheduler_job" "drain_outbox" {
  name        = "registry-drain-outbox"
  region      = var.region
  description = "Publishes registry events whose immediate publish failed."
  schedule    = "* * * * *"
  time_zone   = "Etc/UTC"
  http_target {
    uri         = "https://${var.region}-${var.project_id}.cloudfunctions.net/registry-drain-outbox"
    http_method = "POST"
    oidc_token {
      service_account_email = google_service_account.scheduler_invoker.email
      audience              = "https://${var.region}-${var.project_id}.cloudfunctions.net/registry-drain-outbox"
    }
  }
}
