/**
 * The Compute Engine v1 resources as the emulator renders them: JSON with camelCase fields,
 * int64 fields as strings, references as full `https://www.googleapis.com/compute/v1/...` URLs,
 * as the REST API returns them (Compute Engine REST reference: instances, operations, disks,
 * images, machineTypes, acceleratorTypes, snapshots; read 2026-12). Only the fields the emulator
 * keeps are declared.
 */

/** A JSON value. */
export type GceJsonValue = string | number | boolean | null | GceJsonValue[] | GceJsonObject;

/** A JSON object. */
export interface GceJsonObject {
  [key: string]: GceJsonValue;
}

/** Instance status, as GCE reports it (a stopped VM is `TERMINATED`). */
export type GceInstanceStatus = 'PROVISIONING' | 'STAGING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'SUSPENDING' | 'SUSPENDED' | 'REPAIRING' | 'TERMINATED';

/** An access config of a network interface (an external IP). */
export interface GceAccessConfig {
  /** `compute#accessConfig`. */
  readonly kind: string;
  /** `ONE_TO_ONE_NAT`. */
  readonly type: string;
  /** Its name (`External NAT`). */
  readonly name: string;
  /** The external IPv4 address. */
  readonly natIP: string;
  /** `PREMIUM` or `STANDARD`. */
  readonly networkTier: string;
}

/** A network interface of an instance. */
export interface GceNetworkInterface {
  /** `compute#networkInterface`. */
  readonly kind: string;
  /** `nic0`, `nic1`, ... */
  readonly name: string;
  /** Network URL. */
  readonly network: string;
  /** Subnetwork URL. */
  readonly subnetwork: string;
  /** Internal IPv4 address. */
  readonly networkIP: string;
  /** External IPs; absent when none was asked for. */
  readonly accessConfigs?: readonly GceAccessConfig[] | undefined;
  /** `IPV4_ONLY`. */
  readonly stackType: string;
  /** Fingerprint. */
  readonly fingerprint: string;
}

/** A disk attached to an instance. */
export interface GceAttachedDisk {
  /** `compute#attachedDisk`. */
  readonly kind: string;
  /** `PERSISTENT`. */
  readonly type: string;
  /** `READ_WRITE`. */
  readonly mode: string;
  /** The disk's URL. */
  readonly source: string;
  /** Device name. */
  readonly deviceName: string;
  /** Index on the instance. */
  readonly index: number;
  /** True for the boot disk. */
  readonly boot: boolean;
  /** Deleted with the instance. */
  readonly autoDelete: boolean;
  /** `SCSI` or `NVME`. */
  readonly interface: string;
  /** Size in GB (int64 as a string). */
  readonly diskSizeGb: string;
  /** `X86_64` or `ARM64`. */
  readonly architecture: string;
}

/** Scheduling options of an instance. */
export interface GceScheduling {
  /** `MIGRATE` or `TERMINATE`. */
  readonly onHostMaintenance: string;
  /** Restart after a crash or maintenance termination. */
  readonly automaticRestart: boolean;
  /** Preemptible (legacy spot). */
  readonly preemptible: boolean;
  /** `STANDARD` or `SPOT`. */
  readonly provisioningModel: string;
  /** `STOP` or `DELETE`, for spot. */
  readonly instanceTerminationAction?: string | undefined;
}

/** An accelerator attached to an instance. */
export interface GceAcceleratorConfig {
  /** Accelerator type URL. */
  readonly acceleratorType: string;
  /** Number of cards. */
  readonly acceleratorCount: number;
}

/** A metadata entry. */
export interface GceMetadataItem {
  /** Key (`user-data`, `ssh-keys`, ...). */
  readonly key: string;
  /** Value. */
  readonly value: string;
}

/** An instance's metadata. */
export interface GceMetadata {
  /** `compute#metadata`. */
  readonly kind: string;
  /** Fingerprint. */
  readonly fingerprint: string;
  /** Entries. */
  readonly items?: readonly GceMetadataItem[] | undefined;
}

/** A service account attached to an instance. */
export interface GceServiceAccount {
  /** Email. */
  readonly email: string;
  /** OAuth scopes. */
  readonly scopes: readonly string[];
}

/** A VM instance as `instances.get` returns it. */
export interface GceInstance {
  /** `compute#instance`. */
  readonly kind: string;
  /** Numeric id (uint64 as a string). */
  readonly id: string;
  /** Creation time (RFC 3339). */
  readonly creationTimestamp: string;
  /** Name. */
  readonly name: string;
  /** Description, when given. */
  readonly description?: string | undefined;
  /** Machine type URL. */
  readonly machineType: string;
  /** Status. */
  readonly status: GceInstanceStatus;
  /** Zone URL. */
  readonly zone: string;
  /** Network interfaces. */
  readonly networkInterfaces: readonly GceNetworkInterface[];
  /** Attached disks. */
  readonly disks: readonly GceAttachedDisk[];
  /** Metadata. */
  readonly metadata: GceMetadata;
  /** Service accounts. */
  readonly serviceAccounts?: readonly GceServiceAccount[] | undefined;
  /** Scheduling. */
  readonly scheduling: GceScheduling;
  /** Accelerators attached. */
  readonly guestAccelerators?: readonly GceAcceleratorConfig[] | undefined;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** Label fingerprint (`setLabels` must send it). */
  readonly labelFingerprint: string;
  /** Network tags. */
  readonly tags: {
    /** Tag values. */
    readonly items?: readonly string[] | undefined;
    /** Fingerprint. */
    readonly fingerprint: string;
  };
  /** CPU platform. */
  readonly cpuPlatform: string;
  /** Last start (RFC 3339). */
  readonly lastStartTimestamp?: string | undefined;
  /** Last stop (RFC 3339). */
  readonly lastStopTimestamp?: string | undefined;
  /** Last suspension (RFC 3339). */
  readonly lastSuspendedTimestamp?: string | undefined;
  /** Fingerprint. */
  readonly fingerprint: string;
  /** Self link. */
  readonly selfLink: string;
  /** Can forward IP packets. */
  readonly canIpForward: boolean;
  /** Deletion protection. */
  readonly deletionProtection: boolean;
  /** Start restricted. */
  readonly startRestricted: boolean;
}

/** One error inside a failed operation. */
export interface GceOperationErrorItem {
  /** GCE's code (`ZONE_RESOURCE_POOL_EXHAUSTED`, `QUOTA_EXCEEDED`, ...). */
  readonly code: string;
  /** Message. */
  readonly message: string;
  /** Details (quota info, help links), when GCE gives them. */
  readonly errorDetails?: readonly GceJsonObject[] | undefined;
}

/** A zone or global operation as `zoneOperations.get` returns it. */
export interface GceOperation {
  /** `compute#operation`. */
  readonly kind: string;
  /** Numeric id. */
  readonly id: string;
  /** Name (`operation-<ms>-<hex>-<hex>-<hex>`). */
  readonly name: string;
  /** Zone URL (zone operations). */
  readonly zone?: string | undefined;
  /** Region URL (region operations). */
  readonly region?: string | undefined;
  /** `insert`, `delete`, `start`, `stop`, `suspend`, `resume`, `reset`, `setLabels`, `createSnapshot`. */
  readonly operationType: string;
  /** URL of the resource acted on. */
  readonly targetLink: string;
  /** Id of the resource acted on. */
  readonly targetId: string;
  /** `PENDING`, `RUNNING` or `DONE`. */
  readonly status: 'PENDING' | 'RUNNING' | 'DONE';
  /** Who asked. */
  readonly user: string;
  /** Progress, 0–100. */
  readonly progress: number;
  /** When it was accepted (RFC 3339). */
  readonly insertTime: string;
  /** When it started, once running. */
  readonly startTime?: string | undefined;
  /** When it ended, once done. */
  readonly endTime?: string | undefined;
  /** The failure, once done with one. */
  readonly error?: {
    /** The errors. */
    readonly errors: readonly GceOperationErrorItem[];
  } | undefined;
  /** HTTP status of the failure, once done with one. */
  readonly httpErrorStatusCode?: number | undefined;
  /** HTTP reason phrase of the failure. */
  readonly httpErrorMessage?: string | undefined;
  /** Self link. */
  readonly selfLink: string;
}

/** A persistent disk. */
export interface GceDisk {
  /** `compute#disk`. */
  readonly kind: string;
  /** Numeric id. */
  readonly id: string;
  /** Creation time. */
  readonly creationTimestamp: string;
  /** Name. */
  readonly name: string;
  /** Size in GB (int64 string). */
  readonly sizeGb: string;
  /** Zone URL. */
  readonly zone: string;
  /** `CREATING`, `READY`, ... */
  readonly status: string;
  /** Image it was made from. */
  readonly sourceImage?: string | undefined;
  /** Disk type URL (`.../diskTypes/pd-balanced`). */
  readonly type: string;
  /** Instances using it. */
  readonly users?: readonly string[] | undefined;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** `X86_64` or `ARM64`. */
  readonly architecture: string;
  /** Self link. */
  readonly selfLink: string;
}

/** An image. */
export interface GceImage {
  /** `compute#image`. */
  readonly kind: string;
  /** Numeric id. */
  readonly id: string;
  /** Creation time. */
  readonly creationTimestamp: string;
  /** Name. */
  readonly name: string;
  /** Image family. */
  readonly family?: string | undefined;
  /** `PENDING`, `READY`, `FAILED`. */
  readonly status: string;
  /** `RAW`. */
  readonly sourceType: string;
  /** Minimum disk size in GB (int64 string). */
  readonly diskSizeGb: string;
  /** Size of the archive in bytes (int64 string). */
  readonly archiveSizeBytes: string;
  /** `X86_64` or `ARM64`. */
  readonly architecture: string;
  /** Source disk URL, for images made from a disk. */
  readonly sourceDisk?: string | undefined;
  /** Raw disk archive, for imported images. */
  readonly rawDisk?: {
    /** Cloud Storage URL of the archive. */
    readonly source: string;
    /** `TAR`. */
    readonly containerType: string;
  } | undefined;
  /** Deprecation, for images superseded in their family. */
  readonly deprecated?: {
    /** `DEPRECATED`, `OBSOLETE`, `DELETED`. */
    readonly state: string;
    /** URL of the replacement. */
    readonly replacement?: string | undefined;
  } | undefined;
  /** Guest OS features. */
  readonly guestOsFeatures: readonly {
    /** Feature (`UEFI_COMPATIBLE`, `GVNIC`, ...). */
    readonly type: string;
  }[];
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** Self link. */
  readonly selfLink: string;
}

/** A snapshot. */
export interface GceSnapshot {
  /** `compute#snapshot`. */
  readonly kind: string;
  /** Numeric id. */
  readonly id: string;
  /** Creation time. */
  readonly creationTimestamp: string;
  /** Name. */
  readonly name: string;
  /** `CREATING`, `READY`. */
  readonly status: string;
  /** Source disk URL. */
  readonly sourceDisk: string;
  /** Size of the source disk in GB (int64 string). */
  readonly diskSizeGb: string;
  /** Bytes stored (int64 string). */
  readonly storageBytes: string;
  /** `X86_64` or `ARM64`. */
  readonly architecture: string;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** Self link. */
  readonly selfLink: string;
}

/** A machine type of a zone. */
export interface GceMachineType {
  /** `compute#machineType`. */
  readonly kind: string;
  /** Numeric id. */
  readonly id: string;
  /** Creation time. */
  readonly creationTimestamp: string;
  /** Name (`n2-standard-4`). */
  readonly name: string;
  /** Description (`4 vCPUs, 16 GB RAM`). */
  readonly description: string;
  /** vCPUs. */
  readonly guestCpus: number;
  /** Memory in MB (MiB). */
  readonly memoryMb: number;
  /** Scratch space (0). */
  readonly imageSpaceGb: number;
  /** Most persistent disks. */
  readonly maximumPersistentDisks: number;
  /** Most persistent disk GB (int64 string). */
  readonly maximumPersistentDisksSizeGb: string;
  /** Zone name (not a URL, as GCE returns it). */
  readonly zone: string;
  /** Shared-core type. */
  readonly isSharedCpu: boolean;
  /** Accelerators that come with the type (A2, G2). */
  readonly accelerators?: readonly {
    /** Accelerator type name. */
    readonly guestAcceleratorType: string;
    /** Number of cards. */
    readonly guestAcceleratorCount: number;
  }[] | undefined;
  /** `X86_64` or `ARM64`. */
  readonly architecture: string;
  /** Self link. */
  readonly selfLink: string;
}

/** An accelerator type of a zone. */
export interface GceAcceleratorType {
  /** `compute#acceleratorType`. */
  readonly kind: string;
  /** Numeric id. */
  readonly id: string;
  /** Creation time. */
  readonly creationTimestamp: string;
  /** Name (`nvidia-tesla-t4`). */
  readonly name: string;
  /** Description (`NVIDIA T4`). */
  readonly description: string;
  /** Zone URL. */
  readonly zone: string;
  /** Most cards per instance. */
  readonly maximumCardsPerInstance: number;
  /** Self link. */
  readonly selfLink: string;
}
