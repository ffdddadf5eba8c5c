# Signed provenance (README "Signed provenance"): every version is signed with this key as an
# OpenSSF model-signing bundle. The key never leaves Cloud KMS; the functions only ask it to sign
# SHA-256 digests and to show its public half.

resource "google_kms_key_ring" "registry" {
  name       = "model-registry"
  location   = var.region
  depends_on = [google_project_service.apis]
}

resource "google_kms_crypto_key" "model_signing" {
  name     = "model-signing"
  key_ring = google_kms_key_ring.registry.id
  purpose  = "ASYMMETRIC_SIGN"
  version_template {
    algorithm        = "EC_SIGN_P256_SHA256"
    protection_level = "SOFTWARE"
  }
  # Destroying the key would make every signature unverifiable against KMS (the registry keeps the
  # public PEMs, but a new key ring could not take the same name for 30 days): keep it.
  lifecycle {
    prevent_destroy = true
  }
}

locals {
  # Pinned: signing with a named version needs no permission to list versions.
  signing_key_version = "${google_kms_crypto_key.model_signing.id}/cryptoKeyVersions/${var.signing_key_version}"
}

# The register function signs each version it registers (AsymmetricSign, GetPublicKey), on this key only.
resource "google_kms_crypto_key_iam_member" "register_signs" {
  crypto_key_id = google_kms_crypto_key.model_signing.id
  role          = "roles/cloudkms.signerVerifier"
  member        = "serviceAccount:${google_service_account.register.email}"
}

# The API signs promoted versions, on this key only (protected alias moves only verify bundles, offline). GET /api/signing-key serves the PEMs the
# signers recorded in Firestore, so no separate roles/cloudkms.publicKeyViewer is granted
# (signerVerifier already includes GetPublicKey, which signing uses to check each signature).
resource "google_kms_crypto_key_iam_member" "api_signs" {
  crypto_key_id = google_kms_crypto_key.model_signing.id
  role          = "roles/cloudkms.signerVerifier"
  member        = "serviceAccount:${google_service_account.api.email}"
}

# The minute job signs again the versions whose signing failed (KMS unavailable), and signs the
# audit chain's checkpoints (its head, each minute it moved), on this key only.
resource "google_kms_crypto_key_iam_member" "minute_job_signs" {
  crypto_key_id = google_kms_crypto_key.model_signing.id
  role          = "roles/cloudkms.signerVerifier"
  member        = "serviceAccount:${google_service_account.events.email}"
}

# The minute job reads the manifest of a version it signs again.
resource "google_storage_bucket_iam_member" "minute_job_reads_registry" {
  bucket = google_storage_bucket.registry.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.events.email}"
}

# It stores the bundle write-once under its digest (create only, never overwrite).
resource "google_storage_bucket_iam_member" "minute_job_creates_signatures" {
  bucket = google_storage_bucket.registry.name
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${google_service_account.events.email}"
}
