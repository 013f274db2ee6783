using BootstrapBlazor.Components;
using Microsoft.AspNetCore.Components;

namespace KnowledgePlatform.Server.Portal.Components;

/// <summary>What every portal page has: the API client, toasts, and one way to run an action with feedback.</summary>
public abstract class PortalPage : ComponentBase
{
    [Inject] protected PortalApi Api { get; set; } = default!;
    [Inject] protected ToastService Toasts { get; set; } = default!;

    /// <summary>True while a load or an action runs (pages show a spinner and disable buttons).</summary>
    protected bool Busy { get; private set; }

    /// <summary>The last load error, shown inline.</summary>
    protected string? LoadError { get; set; }

    /// <summary>Runs an action; success gives a toast, an API refusal a toast with its reason.</summary>
    protected async Task<bool> RunAsync(Func<Task> action, string? success = null)
    {
        Busy = true;
        try
        {
            await action();
            if (success is not null) await Toasts.Success("Done", success, autoHide: true);
            return true;
        }
        catch (PortalApiException ex)
        {
            await Toasts.Error("Not done", ex.Message, autoHide: true);
            return false;
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>Loads page data; an API refusal is shown inline instead of the content.</summary>
    protected async Task LoadAsync(Func<Task> load)
    {
        Busy = true;
        LoadError = null;
        try
        {
            await load();
        }
        catch (PortalApiException ex)
        {
            LoadError = ex.Status == 403 ? $"Your role cannot see this: {ex.Message}" : ex.Message;
        }
        finally
        {
            Busy = false;
        }
    }
}
