variable "project_id" {
  type        = string
  description = "Google Cloud project that hosts the registry."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid project id (6-30 lowercase letters, digits, hyphens)."
  }
}

variable "region" {
  type        = string
  description = "Region for the functions, buckets and Cloud Scheduler jobs (e.g. europe-central2)."
  default     = "europe-central2"
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-central2."
  }
}

variable "firestore_location" {
  type        = string
  description = "Firestore location (a region such as europe-central2, or a multi-region: eur3, nam5)."
  default     = "eur3"
}

variable "vertex_location" {
  type        = string
  description = "Vertex AI region for Model Registry, endpoints and pipelines."
  default     = "europe-central2"
}

variable "pushes_bucket_name" {
  type        = string
  description = "Bucket training pipelines push models into (<run_id>/pushed_model/<n>/...). Created here."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.pushes_bucket_name))
    error_message = "pushes_bucket_name must be a valid bucket name."
  }
}

variable "registry_bucket_name" {
  type        = string
  description = "Bucket holding the content-addressed blobs (blobs/sha256/...) of every registered version."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.registry_bucket_name))
    error_message = "registry_bucket_name must be a valid bucket name."
  }
}

variable "dashboard_bucket_name" {
  type        = string
  description = "Bucket serving the static dashboard."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.dashboard_bucket_name))
    error_message = "dashboard_bucket_name must be a valid bucket name."
  }
}

variable "auth_audience" {
  type        = string
  description = "OAuth client id the dashboard's Google ID tokens are minted for (the API checks it)."
  validation {
    condition     = length(var.auth_audience) > 0
    error_message = "auth_audience is required."
  }
}

variable "role_bindings" {
  type        = map(string)
  description = "Registry roles by email or *@domain, e.g. { \"ann@acme.com\" = \"deployer\", \"*@acme.com\" = \"viewer\" }."
  default     = {}
  validation {
    condition     = alltrue([for r in values(var.role_bindings) : contains(["viewer", "editor", "deployer"], r)])
    error_message = "Each role must be viewer, editor or deployer."
  }
}

variable "cors_origins" {
  type        = list(string)
  description = "Extra dashboard origins allowed to call the API (the dashboard bucket's origin is added)."
  default     = []
}

variable "serving_container_image" {
  type        = string
  description = "Serving container registered with each Vertex model version."
  default     = "us-docker.pkg.dev/vertex-ai/prediction/tf2-cpu.2-12:latest"
}

variable "max_event_age_seconds" {
  type        = number
  description = "Storage events older than this get one last attempt: if it fails, the push is recorded as EVENT_EXPIRED instead of retried."
  default     = 3600
  validation {
    condition     = var.max_event_age_seconds >= 60 && var.max_event_age_seconds <= 604800
    error_message = "max_event_age_seconds must be between 60 s and 7 days."
  }
}

variable "source_dir" {
  type        = string
  description = "Directory zipped as the functions' source (run `npm run build` first: it holds dist/bundle, package.json's main, and package.json)."
  default     = ".."
}

variable "signing_key_version" {
  type        = number
  description = "Version of the model-signing KMS key that signs new versions. Rotation: add a version (gcloud kms keys versions create), then raise this and apply; versions signed by older key versions stay verifiable (GET /api/signing-key serves every key version that signed)."
  default     = 1
  validation {
    condition     = var.signing_key_version >= 1 && floor(var.signing_key_version) == var.signing_key_version
    error_message = "signing_key_version must be a positive whole number."
  }
}
