import { loadTwinProtos, type VertexProtos } from '../vertex/protos';

/** MetricService from the protos @google-cloud/monitoring ships (the client the registry reads with). */
export function loadMonitoringProtos(): VertexProtos {
  return loadTwinProtos('@google-cloud/monitoring', ['google/monitoring/v3/metric_service.proto', 'google/rpc/error_details.proto']);
}
