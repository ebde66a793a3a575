using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace FaceRecognition.Emulator.Protocol;

/// <summary>The additional checksums S3 accepts (<c>x-amz-checksum-*</c>), computed over the decoded object bytes.</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}

public static class Checksums
{
    public static readonly IReadOnlyList<ChecksumAlgorithm> All = Enum.GetValues<ChecksumAlgorithm>();

    /// <summary>The header (and trailer) name carrying this checksum, e.g. <c>x-amz-checksum-crc32</c>.</summary>
    public static string HeaderName(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "x-amz-checksum-crc32",
        ChecksumAlgorithm.Crc32C => "x-amz-checksum-crc32c",
        ChecksumAlgorithm.Crc64Nvme => "x-amz-checksum-crc64nvme",
        ChecksumAlgorithm.Sha1 => "x-amz-checksum-sha1",
        ChecksumAlgorithm.Sha256 => "x-amz-checksum-sha256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The name S3 uses in XML and in <c>x-amz-checksum-algorithm</c>, e.g. <c>CRC32</c>.</summary>
    public static string WireName(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        ChecksumAlgorithm.Sha256 => "SHA256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    public static bool TryParseWireName(string? name, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(WireName(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }
        algorithm = default;
        return false;
    }

    public static bool TryParseHeaderName(string? name, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(HeaderName(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }
        algorithm = default;
        return false;
    }

    /// <summary>CRC checksums can be combined into a whole-object value for multipart uploads; hashes cannot.</summary>
    public static bool SupportsFullObject(ChecksumAlgorithm algorithm) =>
        algorithm is ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme;

    public static IncrementalChecksum Create(ChecksumAlgorithm algorithm) => new(algorithm);

    public static string Compute(ChecksumAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        using var checksum = Create(algorithm);
        checksum.Append(data);
        return checksum.GetBase64();
    }
}

/// <summary>One running checksum; the value is base64 of the big-endian digest, as S3 sends it.</summary>
public sealed class IncrementalChecksum : IDisposable
{
    private readonly Crc32? _crc32;
    private readonly Crc64? _crc64;
    private readonly IncrementalHash? _hash;

    public IncrementalChecksum(ChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case ChecksumAlgorithm.Crc32: _crc32 = new Crc32(Crc32ParameterSet.Crc32); break;
            case ChecksumAlgorithm.Crc32C: _crc32 = new Crc32(Crc32ParameterSet.Crc32C); break;
            case ChecksumAlgorithm.Crc64Nvme: _crc64 = new Crc64(Crc64ParameterSet.Nvme); break;
            case ChecksumAlgorithm.Sha1: _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1); break;
            case ChecksumAlgorithm.Sha256: _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256); break;
            default: throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
    }

    public ChecksumAlgorithm Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc32 is not null) _crc32.Append(data);
        else if (_crc64 is not null) _crc64.Append(data);
        else _hash!.AppendData(data);
    }

    public byte[] GetDigest()
    {
        if (_crc32 is not null)
        {
            var digest = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(digest, _crc32.GetCurrentHashAsUInt32());
            return digest;
        }
        if (_crc64 is not null)
        {
            var digest = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(digest, _crc64.GetCurrentHashAsUInt64());
            return digest;
        }
        return _hash!.GetCurrentHash();
    }

    public string GetBase64() => Convert.ToBase64String(GetDigest());

    public void Dispose() => _hash?.Dispose();
}
