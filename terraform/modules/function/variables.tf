variable "name" {
  type        = string
  description = "Function (Cloud Run service) name."
}

variable "entry_point" {
  type        = string
  description = "Name the function is registered under in functions/src/index.ts."
}

variable "description" {
  type        = string
  description = "What the function does."
}

variable "region" {
  type        = string
  description = "Region of the function."
}

variable "source_bucket" {
  type        = string
  description = "Bucket holding the source archive."
}

variable "source_object" {
  type        = string
  description = "Object name of the source archive."
}

variable "service_account_email" {
  type        = string
  description = "The function's own runtime service account."
}

variable "environment" {
  type        = map(string)
  description = "Environment variables read by the function's parseConfig."
}

variable "memory" {
  type        = string
  description = "Memory per instance."
  default     = "512Mi"
}

variable "timeout_seconds" {
  type        = number
  description = "Request timeout."
  default     = 60
}

variable "max_instances" {
  type        = number
  description = "Upper bound on instances (cost and Firestore contention guard)."
  default     = 20
}

variable "ingress" {
  type        = string
  description = "ALLOW_ALL for the public API; ALLOW_INTERNAL_ONLY for event-driven functions."
  default     = "ALLOW_INTERNAL_ONLY"
}

variable "event_trigger" {
  type = object({
    event_type            = string
    bucket                = string
    service_account_email = string
  })
  description = "Eventarc storage trigger, or null for HTTP functions."
  default     = null
}
