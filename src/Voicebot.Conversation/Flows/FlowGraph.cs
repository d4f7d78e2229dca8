using System.Globalization;

namespace Voicebot.Conversation.Flows;

/// <summary>Checks a flow's transitions as a graph: every target is a state, and every state can be reached.</summary>
internal static class FlowGraph
{
    /// <summary>The first broken transition or unreachable state, or <see langword="null"/> when the graph is sound.</summary>
    public static FlowProblem? FirstProblem(FlowDefinition flow) => FirstUnknownTarget(flow) ?? FirstUnreachable(flow);

    private static FlowProblem? FirstUnknownTarget(FlowDefinition flow)
    {
        foreach (var state in flow.States.Values)
        {
            foreach (var (target, what) in Targets(state))
            {
                if (!flow.States.ContainsKey(target))
                {
                    return new FlowProblem(state.Name, $"{what} goes to unknown state '{target}'.");
                }
            }
        }

        return null;
    }

    private static FlowProblem? FirstUnreachable(FlowDefinition flow)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([flow.InitialState, flow.ErrorState]);
        if (flow.HumanRequestState is not null)
        {
            pending.Push(flow.HumanRequestState);
        }

        while (pending.TryPop(out var name))
        {
            if (reached.Add(name))
            {
                foreach (var (target, _) in Targets(flow.States[name]))
                {
                    pending.Push(target);
                }
            }
        }

        foreach (var name in flow.States.Keys)
        {
            if (!reached.Contains(name))
            {
                return new FlowProblem(name, $"the state cannot be reached from '{flow.InitialState}'.");
            }
        }

        return null;
    }

    private static IEnumerable<(string Target, string What)> Targets(FlowState state)
    {
        if (state.Next is not null)
        {
            yield return (state.Next, "'next'");
        }

        for (var i = 0; i < state.Options.Count; i++)
        {
            yield return (state.Options[i].Next, $"option {(i + 1).ToString(CultureInfo.InvariantCulture)}");
        }

        if (state.OnTrue is not null)
        {
            yield return (state.OnTrue.Next, "'onTrue'");
        }

        if (state.OnFalse is not null)
        {
            yield return (state.OnFalse.Next, "'onFalse'");
        }
    }
}
