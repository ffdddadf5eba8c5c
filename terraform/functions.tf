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
  environment = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    AUTH_MODE            = "google"
    AUTH_AUDIENCE        = var.auth_audience
    ROLE_BINDINGS        = join(",", [for who, role in var.role_bindings : "${who}=${role}"])
    CORS_ORIGINS         = join(",", concat([local.dashboard_origin], var.cors_origins))
    LOG_LEVEL            = "INFO"
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
