namespace EdgeScaler.Panel.Input;

public enum PanelButton { Up, Down, Auto, Select }

/// <summary>What a person asked for with the buttons, after debounce and gesture recognition.</summary>
public enum PanelAction
{
    /// <summary>Short press of `up`: pin one replica more.</summary>
    ScaleUp,
    /// <summary>Short press of `down`: pin one replica less.</summary>
    ScaleDown,
    /// <summary>Short press of `auto`: release the selected target's override.</summary>
    Release,
    /// <summary>`auto` held: release every override this panel made.</summary>
    ReleaseAllMine,
    /// <summary>`up` and `down` held together: acknowledge the alarm.</summary>
    Acknowledge,
    /// <summary>Short press of `select`: next target.</summary>
    SelectNext,
}
