// Tests never talk to Google: no metadata-server probing, no real credentials.
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.GOOGLE_CLOUD_PROJECT ??= 'demo-registry';
