using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;

namespace PipeBuild.Executors.Docker;

/// <summary>A service's container: its inputs' current commits mounted at <c>/pfs/NAME</c>, its port published.</summary>
public sealed partial class DockerExecutor
{
    /// <summary>
    /// Runs a service (<see cref="PipelineSpec.Service"/>) in a container of its image until it exits, returning its exit
    /// code; cancelling removes the container. <paramref name="inputs"/> are the folders holding each input's files (read-only
    /// at <c>/pfs/NAME</c>); the internal port is published on the external one of this machine's loopback (it serves the
    /// store's data: other machines reach it through a proxy, as they reach the console and the S3 gateway); the
    /// container's network is the pipeline's, else <c>bridge</c> (a service with no network could not be reached). Each
    /// line the container writes goes to <paramref name="log"/>.
    /// </summary>
    public async Task<int> RunServiceAsync(
        PipelineSpec spec, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> variables, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(variables);
        var service = spec.Service ?? throw new ArgumentException($"pipeline '{spec.Name}' is not a service.", nameof(spec));
        var docker = await ConnectAsync(cancellationToken);
        var image = await ResolveImageAsync(docker, spec, RequireImage(spec), cancellationToken);
        var port = $"{service.InternalPort}/tcp";
        var (secretVariables, secretMounts) = SecretsOf(spec, options.Secrets);
        var host = HostConfig(spec, [.. inputs.Select(i => new Mount { Type = "bind", Source = i.Value, Target = $"{DatumEnvironment.ContainerPfs}/{i.Key}", ReadOnly = true }), .. secretMounts, .. TransformFolderMounts(spec, options.Secrets)]);
        var stdin = string.Concat(spec.Stdin.Select(line => line + "\n")); // a service written as cmd ["sh"] and its script on stdin
        host.NetworkMode = spec.Network ?? "bridge";
        host.PortBindings = new Dictionary<string, IList<PortBinding>> { [port] = [new PortBinding { HostIP = "127.0.0.1", HostPort = service.ExternalPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }] };
        var parameters = new CreateContainerParameters
        {
            Image = image,
            Entrypoint = [spec.Command[0]],
            Cmd = [.. spec.Command.Skip(1)],
            Env = [.. secretVariables, .. spec.Env.Concat(variables).Select(v => $"{v.Key}={v.Value}")],
            WorkingDir = ContainerWorkingDir(spec),
            User = ContainerUser(spec),
            AttachStdout = true,
            AttachStderr = true,
            AttachStdin = stdin.Length > 0,
            OpenStdin = stdin.Length > 0,
            StdinOnce = stdin.Length > 0,
            ExposedPorts = new Dictionary<string, EmptyStruct> { [port] = default },
            Labels = new Dictionary<string, string> { [ContainerLabels.Owner] = ContainerLabels.CurrentOwner, [ContainerLabels.Pipeline] = spec.Name },
            HostConfig = host,
        };

        var id = (await Call(() => docker.Containers.CreateContainerAsync(parameters, cancellationToken), "create a container")).ID;
        try
        {
            MultiplexedStream stream;
            try
            {
                stream = await AttachAndStartAsync(docker, id, stdin.Length > 0, cancellationToken);
            }
            catch (DockerApiException e)
            {
                throw spec.Error(Core.ErrorCodes.ContainerStartFailed, CannotStart(spec, EngineMessage(e)));
            }

            using (stream)
            {
                if (stdin.Length > 0)
                {
                    var input = Encoding.UTF8.GetBytes(stdin);
                    await stream.WriteAsync(input, 0, input.Length, cancellationToken);
                    stream.CloseWrite();
                }

                var buffer = new byte[16384];
                var line = new StringBuilder();
                while (await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken) is { EOF: false } read)
                {
                    foreach (var c in Encoding.UTF8.GetString(buffer, 0, read.Count))
                    {
                        if (c == '\n')
                        {
                            log(line.ToString());
                            line.Clear();
                        }
                        else
                        {
                            line.Append(c);
                        }
                    }
                }

                if (line.Length > 0)
                {
                    log(line.ToString());
                }
            }

            return (int)(await Call(() => docker.Containers.WaitContainerAsync(id, cancellationToken), "wait for the container")).StatusCode;
        }
        finally
        {
            await RemoveAsync(docker, id);
        }
    }
}
