using System.Text;
using PipeBuild.Core;

namespace PipeBuild.Store.Tests;

public sealed class TreeEditorTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestStore t = new();

    private ContentStore Content => t.Content;

    [Fact]
    public async Task FilesInNestedDirectoriesAreSetAndRead()
    {
        var editor = new TreeEditor(Content, ContentStore.EmptyTree);
        await editor.SetFileAsync("a/b/c.txt", await StoreAsync("ccc"), None);
        await editor.SetFileAsync("a/d.txt", await StoreAsync("dd"), None);
        await editor.SetFileAsync("e.txt", await StoreAsync("e"), None);

        var (hash, size) = await editor.SaveAsync(None);

        Assert.False(editor.Changed);
        Assert.Equal(6, size);
        var reopened = new TreeEditor(Content, hash);
        Assert.Equal(EntryKind.Directory, (await reopened.GetAsync("a", None))!.Kind);
        Assert.Equal(5, (await reopened.GetAsync("a", None))!.Size);
        Assert.Equal(3, (await reopened.GetAsync("a/b", None))!.Size);
        Assert.Equal("ccc", await ReadAsync(reopened, "a/b/c.txt"));
        Assert.Equal("dd", await ReadAsync(reopened, "a/d.txt"));
        Assert.Equal("e", await ReadAsync(reopened, "e.txt"));
        Assert.Null(await reopened.GetAsync("a/missing", None));
        Assert.Null(await reopened.GetAsync("e.txt/below-a-file", None));
        Assert.Null(await reopened.GetAsync("", None));
    }

    [Fact]
    public async Task SavingAnUnchangedTreeGivesItsHashAndItsTrueSize()
    {
        var tree = await BuildAsync(("a/x.txt", "123"), ("b.txt", "45"));

        Assert.Equal((tree, 5L), await new TreeEditor(Content, tree).SaveAsync(None));

        var looked = new TreeEditor(Content, tree);
        await looked.GetAsync("a/x.txt", None);
        Assert.Equal((tree, 5L), await looked.SaveAsync(None));
        Assert.Equal((ContentStore.EmptyTree, 0L), await new TreeEditor(Content, ContentStore.EmptyTree).SaveAsync(None));
    }

    [Fact]
    public async Task EditingATreeNeverChangesTheOldOne()
    {
        var first = await BuildAsync(("a/x.txt", "1"), ("b.txt", "2"));
        var editor = new TreeEditor(Content, first);
        await editor.SetFileAsync("a/x.txt", await StoreAsync("changed"), None);
        await editor.DeleteAsync("b.txt", None);

        var (second, _) = await editor.SaveAsync(None);

        Assert.NotEqual(first, second);
        var old = new TreeEditor(Content, first);
        Assert.Equal("1", await ReadAsync(old, "a/x.txt"));
        Assert.Equal("2", await ReadAsync(old, "b.txt"));
        Assert.Null(await new TreeEditor(Content, second).GetAsync("b.txt", None));
    }

    [Fact]
    public async Task ReplacingAFileChangesOnlyItsPath()
    {
        var before = await BuildAsync(("dir/a.txt", "a"), ("other/b.txt", "b"));
        var editor = new TreeEditor(Content, before);
        await editor.SetFileAsync("dir/a.txt", await StoreAsync("A!"), None);

        var (after, size) = await editor.SaveAsync(None);

        var beforeOther = await new TreeEditor(Content, before).GetAsync("other", None);
        var afterOther = await new TreeEditor(Content, after).GetAsync("other", None);
        Assert.Equal(beforeOther, afterOther); // the untouched subtree is shared, not rewritten
        Assert.Equal(3, size);
        Assert.Equal("A!", await ReadAsync(new TreeEditor(Content, after), "dir/a.txt"));
    }

    [Fact]
    public async Task DirectoriesLeftEmptyVanish()
    {
        var tree = await BuildAsync(("a/b/c.txt", "c"), ("a/d.txt", "d"), ("e.txt", "e"));
        var editor = new TreeEditor(Content, tree);

        Assert.True(await editor.DeleteAsync("a/b/c.txt", None));
        var (afterOne, _) = await editor.SaveAsync(None);
        var reopened = new TreeEditor(Content, afterOne);
        Assert.Null(await reopened.GetAsync("a/b", None));
        Assert.NotNull(await reopened.GetAsync("a/d.txt", None));

        Assert.True(await reopened.DeleteAsync("a/d.txt", None));
        var (afterTwo, size) = await reopened.SaveAsync(None);
        var last = new TreeEditor(Content, afterTwo);
        Assert.Null(await last.GetAsync("a", None));
        Assert.Equal(1, size);

        Assert.True(await last.DeleteAsync("e.txt", None));
        Assert.Equal((ContentStore.EmptyTree, 0L), await last.SaveAsync(None));
    }

    [Fact]
    public async Task ADirectoryMadeAndEmptiedInOneEditLeavesNoTrace()
    {
        var tree = await BuildAsync(("keep.txt", "k"));
        var editor = new TreeEditor(Content, tree);
        await editor.SetFileAsync("tmp/deep/x.txt", await StoreAsync("x"), None);
        await editor.DeleteAsync("tmp/deep/x.txt", None);

        var (hash, size) = await editor.SaveAsync(None);

        Assert.Equal(tree, hash);
        Assert.Equal(1, size);
    }

    [Fact]
    public async Task DeletingADirectoryDeletesEverythingInIt()
    {
        var tree = await BuildAsync(("dir/a.txt", "a"), ("dir/sub/b.txt", "b"), ("c.txt", "c"));
        var editor = new TreeEditor(Content, tree);

        Assert.True(await editor.DeleteAsync("dir", None));
        var (hash, _) = await editor.SaveAsync(None);

        Assert.Equal(await BuildAsync(("c.txt", "c")), hash);
    }

    [Fact]
    public async Task DeletingTheRootEmptiesTheTree()
    {
        var editor = new TreeEditor(Content, await BuildAsync(("a/b.txt", "b"), ("c.txt", "c")));

        Assert.True(await editor.DeleteAsync("", None));

        Assert.Equal((ContentStore.EmptyTree, 0L), await editor.SaveAsync(None));
        Assert.False(await new TreeEditor(Content, ContentStore.EmptyTree).DeleteAsync("", None));
    }

    [Fact]
    public async Task DeletingWhatIsNotThereChangesNothing()
    {
        var tree = await BuildAsync(("a/b.txt", "b"));
        var editor = new TreeEditor(Content, tree);

        Assert.False(await editor.DeleteAsync("missing.txt", None));
        Assert.False(await editor.DeleteAsync("a/missing.txt", None));
        Assert.False(await editor.DeleteAsync("nope/deeper/x", None));
        Assert.False(await editor.DeleteAsync("a/b.txt/below-a-file", None));

        Assert.False(editor.Changed);
        Assert.Equal(tree, (await editor.SaveAsync(None)).Hash);
    }

    [Fact]
    public async Task PuttingTheSameContentAgainChangesNothing()
    {
        var tree = await BuildAsync(("a/b.txt", "b"));
        var editor = new TreeEditor(Content, tree);

        await editor.SetFileAsync("a/b.txt", await StoreAsync("b"), None);

        Assert.False(editor.Changed);
        Assert.Equal(tree, (await editor.SaveAsync(None)).Hash);
    }

    [Fact]
    public async Task TheSameFilesGiveTheSameTreeWhateverTheOrder()
    {
        var one = await BuildAsync(("b/2.txt", "2"), ("a/1.txt", "1"), ("c.txt", "3"));
        var two = await BuildAsync(("c.txt", "3"), ("a/1.txt", "1"), ("b/2.txt", "2"));

        Assert.Equal(one, two);
    }

    [Fact]
    public async Task AFileCannotReplaceADirectory()
    {
        var tree = await BuildAsync(("dir/a.txt", "a"));
        var editor = new TreeEditor(Content, tree);

        var error = await Assert.ThrowsAsync<PipeException>(async () => await editor.SetFileAsync("dir", await StoreAsync("x"), None));

        Assert.Equal(ErrorCodes.PathConflict, error.Code);
        Assert.False(editor.Changed);
    }

    [Fact]
    public async Task ADirectoryCannotBeMadeWhereAFileIs()
    {
        var tree = await BuildAsync(("file.txt", "a"));
        var editor = new TreeEditor(Content, tree);

        var error = await Assert.ThrowsAsync<PipeException>(async () => await editor.SetFileAsync("file.txt/inside.txt", await StoreAsync("x"), None));

        Assert.Equal(ErrorCodes.PathConflict, error.Code);
    }

    [Fact]
    public async Task TheRootIsNotAFile()
    {
        var editor = new TreeEditor(Content, ContentStore.EmptyTree);

        var error = await Assert.ThrowsAsync<PipeException>(async () => await editor.SetFileAsync("", await StoreAsync("x"), None));

        Assert.Equal(ErrorCodes.InvalidPath, error.Code);
    }

    public void Dispose() => t.Dispose();

    private async Task<FileContent> StoreAsync(string text) => await Content.WriteAsync(Encoding.UTF8.GetBytes(text), None);

    private async Task<string> BuildAsync(params (string Path, string Text)[] files)
    {
        var editor = new TreeEditor(Content, ContentStore.EmptyTree);
        foreach (var (path, text) in files)
        {
            await editor.SetFileAsync(path, await StoreAsync(text), None);
        }

        return (await editor.SaveAsync(None)).Hash;
    }

    private async Task<string> ReadAsync(TreeEditor editor, string path)
    {
        var entry = await editor.GetAsync(path, None) ?? throw new InvalidOperationException($"{path} not found");
        return Encoding.UTF8.GetString(await Content.ReadAllAsync(entry.Content, None));
    }
}
