/**
 * A local Secrets Manager for the operations Onramp uses: create, get, put,
 * delete, describe and list (by name prefix or tag). Kept in memory, and
 * persisted to a file only its owner can read when a data folder is given.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AwsError, type Operation } from './aws-protocol.js';

interface StoredSecret {
  arn: string;
  name: string;
  description?: string;
  secretString: string;
  versionId: string;
  tags: { Key: string; Value: string }[];
  createdDate: number;
  lastChangedDate: number;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export class LocalSecretsManager {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly file: string | undefined;
  /** Fails the next calls of an operation (for fault-injection tests). */
  readonly faults = new Map<string, number>();

  constructor(dataDir?: string) {
    this.file = dataDir ? path.join(dataDir, 'secrets.json') : undefined;
    if (this.file && fs.existsSync(this.file)) {
      for (const s of JSON.parse(fs.readFileSync(this.file, 'utf8')) as StoredSecret[]) this.secrets.set(s.name, s);
    }
  }

  /** The secrets, by name (for tests that check nothing is orphaned). */
  names(): string[] {
    return [...this.secrets.keys()];
  }

  /** Whether a secret exists, for tests. */
  has(name: string): boolean {
    return this.secrets.has(name);
  }

  private save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify([...this.secrets.values()]), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    fs.chmodSync(this.file, 0o600);
  }

  private find(id: unknown): StoredSecret {
    const key = String(id ?? '');
    const secret = this.secrets.get(key) ?? [...this.secrets.values()].find((s) => s.arn === key);
    if (!secret) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  }

  private describe(s: StoredSecret) {
    return {
      ARN: s.arn,
      Name: s.name,
      ...(s.description ? { Description: s.description } : {}),
      Tags: s.tags,
      CreatedDate: s.createdDate,
      LastChangedDate: s.lastChangedDate,
    };
  }

  private guard(op: string): void {
    const n = this.faults.get(op) ?? 0;
    if (n > 0) {
      this.faults.set(op, n - 1);
      throw new AwsError('InjectedFault', 'Injected fault', 400);
    }
  }

  readonly operations: Record<string, Operation> = {
    CreateSecret: async (input) => {
      this.guard('CreateSecret');
      const name = String(input.Name ?? '');
      if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) throw new AwsError('InvalidParameterException', 'Invalid name');
      if (typeof input.SecretString !== 'string') throw new AwsError('InvalidParameterException', 'SecretString is required');
      if (this.secrets.has(name)) throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
      const now = Date.now() / 1000;
      const secret: StoredSecret = {
        arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${randomBytes(3).toString('hex')}`,
        name,
        ...(typeof input.Description === 'string' ? { description: input.Description } : {}),
        secretString: input.SecretString,
        versionId: randomUUID(),
        tags: Array.isArray(input.Tags) ? (input.Tags as StoredSecret['tags']) : [],
        createdDate: now,
        lastChangedDate: now,
      };
      this.secrets.set(name, secret);
      this.save();
      return { ARN: secret.arn, Name: name, VersionId: secret.versionId };
    },
    GetSecretValue: async (input) => {
      this.guard('GetSecretValue');
      const s = this.find(input.SecretId);
      return { ARN: s.arn, Name: s.name, SecretString: s.secretString, VersionId: s.versionId, CreatedDate: s.lastChangedDate };
    },
    PutSecretValue: async (input) => {
      this.guard('PutSecretValue');
      const s = this.find(input.SecretId);
      if (typeof input.SecretString !== 'string') throw new AwsError('InvalidParameterException', 'SecretString is required');
      s.secretString = input.SecretString;
      s.versionId = randomUUID();
      s.lastChangedDate = Date.now() / 1000;
      this.save();
      return { ARN: s.arn, Name: s.name, VersionId: s.versionId };
    },
    DeleteSecret: async (input) => {
      this.guard('DeleteSecret');
      const s = this.find(input.SecretId);
      this.secrets.delete(s.name);
      this.save();
      return { ARN: s.arn, Name: s.name, DeletionDate: Date.now() / 1000 };
    },
    DescribeSecret: async (input) => {
      this.guard('DescribeSecret');
      return this.describe(this.find(input.SecretId));
    },
    ListSecrets: async (input) => {
      this.guard('ListSecrets');
      const filters = Array.isArray(input.Filters) ? (input.Filters as { Key: string; Values: string[] }[]) : [];
      const matches = [...this.secrets.values()].filter((s) =>
        filters.every((f) =>
          f.Values.some((v) => {
            if (f.Key === 'name') return s.name.startsWith(v);
            if (f.Key === 'tag-key') return s.tags.some((t) => t.Key.startsWith(v));
            if (f.Key === 'tag-value') return s.tags.some((t) => t.Value.startsWith(v));
            if (f.Key === 'all') return s.name.startsWith(v) || s.tags.some((t) => t.Key.startsWith(v) || t.Value.startsWith(v));
            return false;
          }),
        ),
      );
      const max = Math.min(Number(input.MaxResults ?? 100), 100);
      const start = Number(input.NextToken ?? 0);
      const page = matches.slice(start, start + max);
      return {
        SecretList: page.map((s) => this.describe(s)),
        ...(start + max < matches.length ? { NextToken: String(start + max) } : {}),
      };
    },
  };
}
