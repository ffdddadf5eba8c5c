locals {
  # The composite indexes the code needs, generated from its query shapes (npm run indexes).
  firestore_indexes   = jsondecode(file("${path.module}/../firestore.indexes.json"))
  dashboard_origin    = "https://storage.googleapis.com"
  function_source_zip = "${path.module}/.build/functions-source.zip"
}

resource "google_project_service" "apis" {
  for_each = toset([
    "cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com", "artifactregistry.googleapis.com",
    "eventarc.googleapis.com", "pubsub.googleapis.com", "firestore.googleapis.com", "firebaserules.googleapis.com",
    "storage.googleapis.com", "aiplatform.googleapis.com", "cloudscheduler.googleapis.com", "iam.googleapis.com", "cloudkms.googleapis.com",
    # Vertex AI online prediction metrics (serving figures, canary guards).
    "monitoring.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}

# ---------------------------------------------------------------- Firestore

resource "google_firestore_database" "registry" {
  name                    = "(default)"
  location_id             = var.firestore_location
  type                    = "FIRESTORE_NATIVE"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  depends_on              = [google_project_service.apis]
}

resource "google_firestore_index" "composite" {
  for_each = { for i in local.firestore_indexes.indexes : join("|", concat([i.collectionGroup], [for f in i.fields : "${f.fieldPath}:${try(f.order, f.arrayConfig)}"])) => i }

  database    = google_firestore_database.registry.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = try(fields.value.order, null)
      array_config = try(fields.value.arrayConfig, null)
    }
  }
}

resource "google_firestore_field" "overrides" {
  for_each   = { for o in local.firestore_indexes.fieldOverrides : "${o.collectionGroup}.${o.fieldPath}" => o }
  database   = google_firestore_database.registry.name
  collection = each.value.collectionGroup
  field      = each.value.fieldPath
  # Search tokens are only queried through composite indexes: no single-field indexes.
  index_config {}
}

# Published outbox entries expire on their own (expireAt is set when an event is sent).
resource "google_firestore_field" "outbox_ttl" {
  database   = google_firestore_database.registry.name
  collection = "outbox"
  field      = "expireAt"
  ttl_config {}
}

resource "google_firebaserules_ruleset" "firestore" {
  source {
    files {
      name    = "firestore.rules"
      content = file("${path.module}/../firestore.rules")
    }
  }
  depends_on = [google_firestore_database.registry]
}

resource "google_firebaserules_release" "firestore" {
  name         = "cloud.firestore"
  ruleset_name = google_firebaserules_ruleset.firestore.name
}

# ---------------------------------------------------------------- Buckets

resource "google_storage_bucket" "pushes" {
  name                        = var.pushes_bucket_name
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
}

resource "google_storage_bucket" "registry" {
  name                        = var.registry_bucket_name
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  # Blobs are content-addressed and written once (ifGenerationMatch=0). Versioning and soft delete
  # keep a deleted or overwritten blob recoverable; no function is granted delete on this bucket.
  versioning {
    enabled = true
  }
  soft_delete_policy {
    retention_duration_seconds = 2592000
  }
}

resource "google_storage_bucket" "dashboard" {
  name                        = var.dashboard_bucket_name
  location                    = var.region
  uniform_bucket_level_access = true
  website {
    main_page_suffix = "index.html"
    not_found_page   = "index.html"
  }
}

# The dashboard is static HTML/JS/CSS with no data in it: it is readable by anyone, and every
# piece of data it shows comes from the API, which authenticates each call.
resource "google_storage_bucket_iam_member" "dashboard_public" {
  bucket = google_storage_bucket.dashboard.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_storage_bucket" "function_source" {
  name                        = "${var.project_id}-registry-fn-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
}

data "archive_file" "functions" {
  type        = "zip"
  source_dir  = var.source_dir
  output_path = local.function_source_zip
  excludes = [
    "node_modules", ".git", ".data", ".tmp", "terraform", "test", "dev", "bench", "dashboard", "shared", "functions",
  ]
}

resource "google_storage_bucket_object" "functions" {
  name   = "functions-${data.archive_file.functions.output_md5}.zip"
  bucket = google_storage_bucket.function_source.name
  source = data.archive_file.functions.output_path
}

# ---------------------------------------------------------------- Events

resource "google_pubsub_topic" "registry_events" {
  name = "registry-events"
}
