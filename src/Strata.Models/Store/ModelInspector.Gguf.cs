namespace Strata.Models.Store;

public static partial class ModelInspector
{
    private static ModelMetadata InspectGguf(string file)
    {
        return new ModelMetadata();
    }
}
