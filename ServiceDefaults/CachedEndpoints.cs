using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using Amazon.Runtime.Endpoints;

namespace FaceRecognition.ServiceDefaults;

/// <summary>
/// Remembers what an AWS SDK client's endpoint rules answered. The rules are a pure function of their parameters, yet
/// the SDK evaluates them twice per call (once for the auth scheme, once for the URL), and S3's rule set costs about
/// 40 µs each time on a 2-core machine: a tenth of the web tier's and app tier's CPU in bench/EndToEnd. Parameters the
/// rules never read (S3's object key, prefix and copy source; pinned by ServiceDefaults.Tests against the SDK in use)
/// are left out of the cache key, so there is one entry per bucket rather than per object.
/// </summary>
public sealed class CachedEndpoints(IEndpointProvider rules, params string[] parametersTheRulesIgnore) : IEndpointProvider
{
    /// <summary>A bound for a client that somehow names unboundedly many buckets: start over rather than grow.</summary>
    private const int MaxEntries = 1024;

    /// <summary>Per parameter type, the names of the parameters that make up the cache key.</summary>
    private readonly ConcurrentDictionary<Type, string[]> _keyNames = new();
    private readonly ConcurrentDictionary<string, Endpoint> _answers = new(StringComparer.Ordinal);

    public Endpoint ResolveEndpoint(EndpointParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var key = Key(parameters);
        if (!_answers.TryGetValue(key, out var answer))
        {
            answer = rules.ResolveEndpoint(parameters); // rules that throw are not remembered
            if (_answers.Count >= MaxEntries)
            {
                _answers.Clear();
            }
            _answers[key] = answer;
        }
        // A copy: the SDK appends '/' to the URL of the endpoint it is given.
        return new Endpoint(answer.URL) { Attributes = answer.Attributes, Headers = answer.Headers };
    }

    private string Key(EndpointParameters parameters)
    {
        var names = _keyNames.GetOrAdd(parameters.GetType(), type => type
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && !parametersTheRulesIgnore.Contains(p.Name))
            .Select(p => p.Name)
            .ToArray());
        var key = new StringBuilder();
        foreach (var name in names)
        {
            // Unit separator between values, NUL for an unset one, so that no two parameter sets share a key.
            key.Append(parameters[name] is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : "\0").Append('\u001f');
        }
        return key.ToString();
    }
}
