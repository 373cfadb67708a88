namespace Spgd.Client.Cli;

/// <summary>A problem with what the user asked for (an option combination, a value, an input file's content),
/// reported as one line without a stack trace.</summary>
/// <param name="message">What is wrong, naming the option or file, with the expected and the actual value.</param>
public sealed class CliInputException(string message) : Exception(message);
