using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FaceRecognition.Emulator.Hosting;

/// <summary>
/// Sends a response body straight from its file with sendfile(2), so its bytes never pass through the process (through
/// Kestrel they are copied twice: file to buffer, buffer to socket). Kestrel still frames the response: it sends the
/// headers, the file follows on the socket, and then the handler "writes" as many bytes through Kestrel as the file
/// sent, which this writer (Kestrel's output for the connection) swallows instead of passing on. Kestrel's Content-Length
/// accounting and keep-alive are therefore those of an ordinary response.
/// </summary>
internal sealed class SendFileWriter(PipeWriter transport, Socket socket) : PipeWriter
{
    // With the kernel's auto-tuned send buffer (up to 4 MiB) sendfile queues a whole body at once and loopback TCP then
    // transmits it as the client's acknowledgements arrive, on the client's time: 4 MB GETs were 5% slower than copying.
    // With this buffer the server's own call transmits it: 10-15% faster than copying (bench/Emulator). It also bounds
    // a large GET to a remote client to about twice this per round trip, ample for an emulator on a local network.
    private const int SendBufferSize = 128 * 1024;

    // What Kestrel "writes" of a body already sent lands here; nobody ever reads it.
    private static readonly byte[] s_discarded = new byte[64 * 1024];
    private long _toSwallow;
    private bool _sendBufferSet;

    /// <summary>Puts a writer between Kestrel's HTTP layer and the socket of every connection (Linux only: elsewhere
    /// responses are copied as usual).</summary>
    public static void Install(ListenOptions listen) => listen.Use(next => connection =>
    {
        if (OperatingSystem.IsLinux() && connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            var writer = new SendFileWriter(connection.Transport.Output, socket);
            connection.Features.Set(writer);
            connection.Transport = new DuplexPipe(connection.Transport.Input, writer);
        }
        return next(connection);
    });

    /// <summary>The request's connection writer, if the response can come from a file: HTTP/1.x, where the body follows
    /// the headers on the socket as is (an HTTP/2 body is framed).</summary>
    public static SendFileWriter? For(HttpContext context) =>
        HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)
            ? context.Features.Get<SendFileWriter>()
            : null;

    /// <summary>Sends <paramref name="length"/> (at least 1) bytes of <paramref name="file"/> from <paramref name="offset"/>
    /// as the body of <paramref name="response"/>, whose status and headers (Content-Length included) are set.</summary>
    public async Task SendAsync(HttpResponse response, FileStream file, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        await response.StartAsync(cancellationToken);
        // The socket transport's flush completes only once its buffer is on the socket (EmulatorServices sets its write
        // buffer to the minimum for this), so the headers go out before the file.
        var flushed = await response.BodyWriter.FlushAsync(cancellationToken);
        if (flushed.IsCanceled || flushed.IsCompleted) return;
        if (!_sendBufferSet)
        {
            socket.SendBufferSize = SendBufferSize;
            _sendBufferSet = true;
        }
        if (await SendFileAsync(file, offset, length) != SocketError.Success)
        {
            // The client went away (or the socket failed) mid-body: as for any failure there, cut the connection.
            response.HttpContext.Abort();
            return;
        }

        _toSwallow = length;
        var body = response.BodyWriter;
        for (var left = length; left > 0;)
        {
            var count = (int)Math.Min(left, s_discarded.Length);
            body.GetMemory(count);
            body.Advance(count);
            left -= count;
        }
        await body.FlushAsync(cancellationToken);
    }

    private Task<SocketError> SendFileAsync(FileStream file, long offset, long length)
    {
        var elements = new List<SendPacketsElement>();
        for (var at = offset; at < offset + length; at += int.MaxValue)
        {
            elements.Add(new SendPacketsElement(file, at, (int)Math.Min(int.MaxValue, offset + length - at), endOfPacket: false));
        }
        var sent = new TaskCompletionSource<SocketError>();
        var args = new SocketAsyncEventArgs { SendPacketsElements = [.. elements] };
        args.Completed += (_, completed) => Finish(completed, sent);
        if (!socket.SendPacketsAsync(args)) Finish(args, sent);
        return sent.Task;

        static void Finish(SocketAsyncEventArgs args, TaskCompletionSource<SocketError> sent)
        {
            sent.SetResult(args.SocketError);
            args.Dispose();
        }
    }

    public override void Advance(int bytes)
    {
        if (_toSwallow == 0)
        {
            transport.Advance(bytes);
            return;
        }
        if (bytes > _toSwallow) throw new InvalidOperationException("A write ran past the body that sendfile sent.");
        _toSwallow -= bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) =>
        _toSwallow > 0 && sizeHint <= s_discarded.Length ? s_discarded : transport.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => transport.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => transport.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => transport.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => transport.CompleteAsync(exception);

    public override bool CanGetUnflushedBytes => transport.CanGetUnflushedBytes;

    public override long UnflushedBytes => transport.UnflushedBytes;

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
