using System.Security.Cryptography;
using System.Text;
using PipeBuild.Core;
using PipeBuild.Core.Pipelines;
using PipeBuild.Engine;
using PipeBuild.Store;
using PipeBuild.Store.Local;

namespace PipeBuild.Engine.Tests;

/// <summary>
/// Every stored format pinned to literal hashes and bytes, built from fixed inputs (docs/store-format.md). A
/// failure here means a change would make every stored result be recomputed, or two builds of the tool disagree
/// about one store: if the change is deliberate, raise <see cref="StoreFormat.Current"/>, describe it in
/// docs/store-format.md and update the literals.
/// </summary>
public sealed class StoredFormatGoldenTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("pipe-golden-").FullName;
    private readonly LocalObjectStore objects;
    private readonly ContentStore content;

    public StoredFormatGoldenTests()
    {
        objects = new LocalObjectStore(root);
        content = new ContentStore(objects);
    }

    [Fact]
    public void The_store_format_is_version_3()
    {
        var upgraded = new DateTimeOffset(2026, 12, 6, 7, 30, 0, TimeSpan.Zero);
        Assert.Equal(3, StoreFormat.Current);
        Assert.Equal("""{"format":3}""", Encoding.UTF8.GetString(StoreJson.Serialize(new StoreFormatDocument(StoreFormat.Current))));
        Assert.Equal(
            """{"format":3,"legacyCommits":true,"keepCommitsBefore":"2026-12-06T07:30:00+00:00"}""",
            Encoding.UTF8.GetString(StoreJson.Serialize(new StoreFormatDocument(StoreFormat.Current, true, upgraded))));
        Assert.Equal("kept/data/0123456789abcdef0123456789abcdef", StoreKeys.KeptCommit("data", "0123456789abcdef0123456789abcdef"));
        Assert.Equal("""{"branch":"master","moved":"2026-12-06T07:30:00+00:00"}""", Encoding.UTF8.GetString(StoreJson.Serialize(new KeptCommitDocument("master", upgraded))));
    }

    [Fact]
    public async Task A_small_file_is_one_object_named_by_the_sha256_of_its_bytes()
    {
        var file = await content.WriteAsync("hello, pipebuild\n"u8.ToArray(), default);
        Assert.Equal((EntryKind.File, 17L), (file.Kind, file.Size));
        Pin("99a66a5c00046c00965c35562ca189a7708e17eb4d8f30f7373eb4fdd7b6e3c5", file.Hash);
        Pin("objects/99/a66a5c00046c00965c35562ca189a7708e17eb4d8f30f7373eb4fdd7b6e3c5", StoreKeys.Object(file.Hash));
        Assert.Equal("hello, pipebuild\n"u8.ToArray(), await objects.TryReadAsync(StoreKeys.Object(file.Hash), default));
    }

    [Fact]
    public async Task A_large_file_is_cut_at_the_same_content_defined_boundaries_into_a_chunk_list()
    {
        var file = await content.WriteAsync(new MemoryStream(Pseudorandom(9 << 20)), null, default);
        Assert.Equal(EntryKind.ChunkedFile, file.Kind);
        Pin("c2e5d6c8cf2471d2c63c2c57ba902aa31b4610b83c5786a2aa8536ea92c39d1e", file.Hash);
        var chunks = await content.ReadChunkListAsync(file.Hash, default);
        Pin("1078626,1162583,1650797,1106445,1254115,1174317,1063968,946333", string.Join(",", chunks.Select(c => c.Size)));
        Pin("b00a1b17ace81632470e6184b8dba605f0f0030050639c5865fe17ee60b85d01 1078626", Encoding.UTF8.GetString(await objects.TryReadAsync(StoreKeys.Object(file.Hash), default) ?? []).Split('\n')[0]);
    }

    [Fact]
    public async Task A_tree_is_sorted_lines_of_kind_size_hash_name()
    {
        var a = await content.WriteAsync("a\n"u8.ToArray(), default);
        var sub = await content.WriteTreeAsync([new TreeEntry("b.txt", EntryKind.File, 2, a.Hash)], default);
        var tree = await content.WriteTreeAsync([new TreeEntry("sub", EntryKind.Directory, 2, sub), new TreeEntry("a.txt", EntryKind.File, a.Size, a.Hash)], default);
        Pin("54f3b3f239f7eee5347984a343335262da4205feb538703008e951b862afb404", tree);
        Pin("f 2 87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7 a.txt\nd 2 3fb243ea3ab1533498b348f44d1d7799147491e3346de2462970dc672c6186db sub\n", Encoding.UTF8.GetString((await objects.TryReadAsync(StoreKeys.Object(tree), default))!));
        Pin("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ContentStore.EmptyTree);
    }

    [Fact]
    public async Task A_directory_of_more_than_8192_entries_is_an_index_of_parts_cut_by_name()
    {
        var file = await content.WriteAsync("x"u8.ToArray(), default);
        var editor = new TreeEditor(content, ContentStore.EmptyTree);
        for (var i = 0; i < 10_000; i++)
        {
            await editor.SetFileAsync($"d/f{i:D5}", file, default);
        }

        var (tree, size) = await editor.SaveAsync(default);
        Assert.Equal(10_000L, size);
        Pin("677ca0d823897c2ac515c64b2de97c2d0d62683f3aa105b52f48edb8fca41e84", tree);
        var d = (await content.ReadTreeAsync(tree, default)).Single();
        var index = Encoding.UTF8.GetString((await objects.TryReadAsync(StoreKeys.Object(d.Hash), default))!).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Pin("p 3366 3366 f03365 | p 4702 4702 f08067 | p 749 749 f08816 | p 1183 1183 f09999", string.Join(" | ", index.Select(line => string.Join(' ', line.Split(' ').Where((_, i) => i != 2)))));
        Pin("f8625f1f15f523e2386d761c09c255724d5b18a0b0a3d32bead32fe4cba52a22", d.Hash);
    }

    [Fact]
    public void A_commit_is_a_json_document_with_fields_in_a_fixed_order_sealed_by_a_hash_of_them()
    {
        var commit = CommitSeal.Seal(new CommitInfo
        {
            Id = "0123456789abcdef0123456789abcdef",
            Repo = "data",
            Branch = "master",
            Parent = "fedcba9876543210fedcba9876543210",
            ParentSeal = "5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal",
            Tree = ContentStore.EmptyTree,
            Size = 42,
            Started = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero),
            Finished = new DateTimeOffset(2026, 12, 3, 10, 0, 1, TimeSpan.Zero),
            Origin = "pipeline:p",
            Description = "d",
            Provenance = [new CommitProvenance("in", "master", "00112233445566778899aabbccddeeff")],
        });
        Pin("4e34745f1de5f24e7a7f2c2a2e19ff16933c3c0ecbb6947ead87221bac632872", commit.Seal!);
        Pin("{\"id\":\"0123456789abcdef0123456789abcdef\",\"repo\":\"data\",\"branch\":\"master\",\"parent\":\"fedcba9876543210fedcba9876543210\",\"parentSeal\":\"5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal5eal\",\"tree\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":42,\"started\":\"2026-12-03T10:00:00+00:00\",\"finished\":\"2026-12-03T10:00:01+00:00\",\"origin\":\"pipeline:p\",\"description\":\"d\",\"provenance\":[{\"repo\":\"in\",\"branch\":\"master\",\"commit\":\"00112233445566778899aabbccddeeff\"}],\"seal\":\"" + commit.Seal + "\",\"isOpen\":false}", Encoding.UTF8.GetString(StoreJson.Serialize(commit)));

        // Every field is sealed: a change to any one is seen.
        foreach (var changed in new[]
        {
            commit with { Tree = new string('0', 64) }, commit with { Size = 43 }, commit with { Parent = null }, commit with { ParentSeal = null },
            commit with { Id = "1123456789abcdef0123456789abcdef" }, commit with { Branch = "dev" }, commit with { Description = null },
            commit with { Finished = commit.Finished!.Value.AddTicks(1) }, commit with { Origin = "user" }, commit with { Provenance = [] },
        })
        {
            Assert.NotEqual(commit.Seal, CommitSeal.Of(changed));
        }

        Assert.Equal("""{"head":"0123456789abcdef0123456789abcdef"}""", Encoding.UTF8.GetString(StoreJson.Serialize(new BranchDocument(commit.Id, null))));
    }

    [Fact]
    public void A_transform_identity_and_an_input_definition_hash_the_same_as_they_did()
    {
        var spec = new PipelineSpec
        {
            Name = "upper",
            Command = ["sh", "-c", "tr a-z A-Z < /pfs/in/x > /pfs/out/x"],
            Stdin = ["line"],
            Env = [new("A", "1")],
            Image = "busybox:1.36",
            Input = new PfsInput("in", "/*"),
        };
        Pin("2f18b0b1c992de66b442f2f67dc5fef647e893bff7ca34a243d5dd68c298d349", TransformIdentity.Compute(spec));
        Pin("ab8cb31ab1689d63c74401446ce9d4dfe1a3fd85db84cc0dc79476817659cce5", JobRunner.InputIdentity(spec.Input));
        var document = new PipelineDocument { Name = "upper", InputRepos = ["in"], Spec = spec, Salt = "s" };
        Pin("1b55fa570d2da0ee4e273caeda2e73a60608c4c6ec222c678a4b3ceba5083f48", document.EffectiveIdentity("image sha256:1"));
    }

    [Fact]
    public void An_error_handler_is_part_of_the_transform_identity_only_when_there_is_one()
    {
        var spec = new PipelineSpec { Name = "clean", Command = ["sh"], Stdin = ["exit 1"], Input = new PfsInput("in", "/*") };
        Pin("89f7f0ea47ec494aabeac9a3a237416c31a831690289df6501c936645091b868", TransformIdentity.Compute(spec));
        Pin("03922d139267dcd45e541d4a77ee24a850e91bae0ce97efb12c851fdc7b8cc35", TransformIdentity.Compute(spec with { ErrorCommand = ["sh"], ErrorStdin = ["exit 0"] }));
    }

    [Fact]
    public void A_working_dir_and_a_user_are_part_of_the_transform_identity_only_when_set()
    {
        var spec = new PipelineSpec { Name = "clean", Command = ["sh"], Stdin = ["exit 1"], Input = new PfsInput("in", "/*") };
        Pin("89f7f0ea47ec494aabeac9a3a237416c31a831690289df6501c936645091b868", TransformIdentity.Compute(spec with { WorkingDir = null, User = null }));
        Pin("b11b8ba928aca01007f5048d2e4f290d00a7289e1a04a208b6e770c80d507bb1", TransformIdentity.Compute(spec with { WorkingDir = "/code" }));
        Pin("eb486e33960820cfa72ae648912cef89aa605b88865c4159fefe9641027ab616", TransformIdentity.Compute(spec with { User = "1000:1000" }));
        Pin("cdd069b6b030d749c2cfceae7b847fa7390c4b8dabbad2b61ce7a4dbc96a7619", TransformIdentity.Compute(spec with { WorkingDir = "/code", User = "1000:1000" }));
    }

    [Fact]
    public void Secrets_are_part_of_the_transform_identity_only_when_there_are_some_and_by_reference_only()
    {
        var spec = new PipelineSpec { Name = "clean", Command = ["sh"], Stdin = ["exit 1"], Input = new PfsInput("in", "/*") };
        Pin("89f7f0ea47ec494aabeac9a3a237416c31a831690289df6501c936645091b868", TransformIdentity.Compute(spec with { Secrets = [] }));
        Pin("d38d1b42975b63a74f19180488e79c7441ce4cde1b30cfec8eec86c71491645b", TransformIdentity.Compute(spec with { Secrets = [new("db", "password", "DB_PASSWORD"), new("tls", MountPath: "/var/tls")] }));
    }

    [Fact]
    public void A_datum_id_names_what_it_matched_and_its_hash_adds_the_contents_and_the_transform()
    {
        var file = new FileContent(EntryKind.File, ContentHash.Of("a\n"u8), 2);
        var datum = new Datum([new DatumInput("in", "in", "master", "c0ffee", "dir", [new DatumFile("dir/a.txt", file)])]);
        Pin("762a29712d80180d067b21cfc1d783fec8a0e9ed7ef9697e4cca166108a942d9", datum.Id);
        Pin("8dbc53176c290f100e297f2fb8f19f90f8a0c7a0cac5fa28e84c92daa8d48b90", datum.Hash(ContentHash.Of("transform"u8)));
        Pin("results/8d/bc53176c290f100e297f2fb8f19f90f8a0c7a0cac5fa28e84c92daa8d48b90", EngineKeys.Result(datum.Hash(ContentHash.Of("transform"u8))));
    }

    [Fact]
    public void An_input_seen_as_empty_files_is_part_of_the_datum_hash_and_the_input_definition_only_when_set()
    {
        var file = new FileContent(EntryKind.File, ContentHash.Of("a\n"u8), 2);
        var datum = new Datum([new DatumInput("in", "in", "master", "c0ffee", "dir", [new DatumFile("dir/a.txt", file)]) { EmptyFiles = true }]);
        Pin("762a29712d80180d067b21cfc1d783fec8a0e9ed7ef9697e4cca166108a942d9", datum.Id); // what it matched, as without
        Pin("d5e997571062dc73f7866e2b955dbf7b32aaf1bbca7c37185c43539b908acea7", datum.Hash(ContentHash.Of("transform"u8)));
        Pin("ab8cb31ab1689d63c74401446ce9d4dfe1a3fd85db84cc0dc79476817659cce5", JobRunner.InputIdentity(new PfsInput("in", "/*") { EmptyFiles = false }));
        Pin("9692ca12199af272d3775c3f810d0567273e871f935449460b75ff530886510e", JobRunner.InputIdentity(new PfsInput("in", "/*") { EmptyFiles = true }));
    }

    [Fact]
    public void A_pipeline_document_names_the_identity_whose_results_an_update_keeps_and_leaves_it_out_otherwise()
    {
        var spec = new PipelineSpec { Name = "upper", Command = ["true"], Input = new PfsInput("in", "/*") };
        var document = new PipelineDocument { Name = "upper", InputRepos = ["in"], Spec = spec, Created = DateTimeOffset.UnixEpoch, Updated = DateTimeOffset.UnixEpoch };
        var plain = Encoding.UTF8.GetString(EngineJson.Serialize(document));
        Assert.DoesNotContain("keepsResultsOf", plain, StringComparison.Ordinal);
        var kept = Encoding.UTF8.GetString(EngineJson.Serialize(document with { KeepsResultsOf = new string('a', 64) }));
        Pin(plain[..^1] + ",\"keepsResultsOf\":\"" + new string('a', 64) + "\"}", kept);
        Assert.Equal(new string('a', 64), EngineJson.Deserialize<PipelineDocument>(Encoding.UTF8.GetBytes(kept)).KeepsResultsOf);
    }

    [Fact]
    public async Task A_datum_table_and_a_datum_result_have_the_bytes_they_had()
    {
        var log = ContentHash.Of("log"u8);
        JobDatum[] rows =
        [
            new(ContentHash.Of("1"u8), "in:/a", ContentHash.Of("h1"u8), DatumState.Success, log),
            new(ContentHash.Of("2"u8), "in:/b", ContentHash.Of("h2"u8), DatumState.Skipped),
            new(ContentHash.Of("3"u8), "in:/c", ContentHash.Of("h3"u8), DatumState.Failed, log),
        ];
        var table = await DatumTable.WriteAsync(content, rows.Length, i => rows[i], null, default);
        Pin("380ba19bba82423da3453536cdf5043819a9254dc5639423a4c0ff80cddc6a2e", table.Hash);
        Assert.Equal(rows, await DatumTable.ReadAsync(content, table, default));

        var result = new DatumResult([new OutputFile("a.txt", EntryKind.File, ContentHash.Of("A\n"u8), 2)], log, 0.5);
        Pin("{\"outputs\":[{\"path\":\"a.txt\",\"kind\":\"file\",\"hash\":\"06f961b802bc46ee168555f066d28f4f0e9afdf3f88174c1ee6f9de004fc30a0\",\"size\":2,\"content\":{\"kind\":\"file\",\"size\":2,\"hash\":\"06f961b802bc46ee168555f066d28f4f0e9afdf3f88174c1ee6f9de004fc30a0\"}}],\"logHash\":\"836ff184e7b41b1e13cb5fd89fa1de98dbbab99e9d2918913ff43b86a5c7c213\",\"seconds\":0.5}", Encoding.UTF8.GetString(EngineJson.Serialize(result)));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>Equal, or a message with the whole new value (the literal to paste after a deliberate format change).</summary>
    private static void Pin(string expected, string actual) =>
        Assert.True(expected == actual, $"a stored format changed (docs/store-format.md). Pinned:\n{expected}\nnow:\n{actual}");

    /// <summary>Fixed bytes that look random (SHA-256 in counter mode), so content-defined cuts fall as they do in real data.</summary>
    private static byte[] Pseudorandom(int length)
    {
        var bytes = new byte[length];
        for (var block = 0; block * 32 < length; block++)
        {
            var digest = SHA256.HashData(BitConverter.GetBytes(block));
            digest.AsSpan(0, Math.Min(32, length - (block * 32))).CopyTo(bytes.AsSpan(block * 32));
        }

        return bytes;
    }
}
