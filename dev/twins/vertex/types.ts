// Message shapes of the Vertex AI v1 API, as the client library types them (type-only: nothing is loaded at run time).
import type { protos } from '@google-cloud/aiplatform';

type V1 = typeof protos.google.cloud.aiplatform.v1;

export type Model = protos.google.cloud.aiplatform.v1.IModel;
export type Endpoint = protos.google.cloud.aiplatform.v1.IEndpoint;
export type DeployedModel = protos.google.cloud.aiplatform.v1.IDeployedModel;
export type PipelineJob = protos.google.cloud.aiplatform.v1.IPipelineJob;
export type Operation = protos.google.longrunning.IOperation;
export type RpcStatus = protos.google.rpc.IStatus;
export type Timestamp = protos.google.protobuf.ITimestamp;
export type PipelineState = keyof V1['PipelineState'];

export type UploadModelRequest = protos.google.cloud.aiplatform.v1.IUploadModelRequest;
export type GetModelRequest = protos.google.cloud.aiplatform.v1.IGetModelRequest;
export type ListModelsRequest = protos.google.cloud.aiplatform.v1.IListModelsRequest;
export type ListModelVersionsRequest = protos.google.cloud.aiplatform.v1.IListModelVersionsRequest;
export type MergeVersionAliasesRequest = protos.google.cloud.aiplatform.v1.IMergeVersionAliasesRequest;
export type DeleteModelRequest = protos.google.cloud.aiplatform.v1.IDeleteModelRequest;
export type DeleteModelVersionRequest = protos.google.cloud.aiplatform.v1.IDeleteModelVersionRequest;
export type CreateEndpointRequest = protos.google.cloud.aiplatform.v1.ICreateEndpointRequest;
export type GetEndpointRequest = protos.google.cloud.aiplatform.v1.IGetEndpointRequest;
export type ListEndpointsRequest = protos.google.cloud.aiplatform.v1.IListEndpointsRequest;
export type DeployModelRequest = protos.google.cloud.aiplatform.v1.IDeployModelRequest;
export type UndeployModelRequest = protos.google.cloud.aiplatform.v1.IUndeployModelRequest;
export type UpdateEndpointRequest = protos.google.cloud.aiplatform.v1.IUpdateEndpointRequest;
export type CreatePipelineJobRequest = protos.google.cloud.aiplatform.v1.ICreatePipelineJobRequest;
export type GetPipelineJobRequest = protos.google.cloud.aiplatform.v1.IGetPipelineJobRequest;
export type ListPipelineJobsRequest = protos.google.cloud.aiplatform.v1.IListPipelineJobsRequest;
export type CancelPipelineJobRequest = protos.google.cloud.aiplatform.v1.ICancelPipelineJobRequest;
export type GetOperationRequest = protos.google.longrunning.IGetOperationRequest;
export type ListOperationsRequest = protos.google.longrunning.IListOperationsRequest;
export type CancelOperationRequest = protos.google.longrunning.ICancelOperationRequest;
export type DeleteOperationRequest = protos.google.longrunning.IDeleteOperationRequest;
export type WaitOperationRequest = protos.google.longrunning.IWaitOperationRequest;

/** A unary RPC implementation: takes the decoded request, returns the response object (or throws an RpcError). */
export type UnaryHandler<Req> = (request: Req) => object | Promise<object>;
export type ServiceHandlers = Record<string, UnaryHandler<never>>;
