<?php

namespace Harness;

/** The part of WHMCS\View\Menu\Item that client-area navbar/sidebar hooks use. */
final class MenuItem
{
    private string $name;
    private array $options;
    /** @var array<string, MenuItem> */
    private array $children = [];

    public function __construct(string $name, array $options = [])
    {
        $this->name = $name;
        $this->options = $options;
    }

    public function getName(): string
    {
        return $this->name;
    }

    public function getChild(string $name): ?MenuItem
    {
        return $this->children[$name] ?? null;
    }

    public function addChild(string $name, array $options = []): MenuItem
    {
        return $this->children[$name] = new MenuItem($name, $options);
    }

    public function getUri(): string
    {
        return (string) ($this->options['uri'] ?? '');
    }

    public function getLabel(): string
    {
        return (string) ($this->options['label'] ?? $this->name);
    }

    /** @return list<MenuItem> sorted by 'order' */
    public function getChildren(): array
    {
        $children = array_values($this->children);
        usort($children, static fn ($a, $b) => ($a->options['order'] ?? 0) <=> ($b->options['order'] ?? 0));
        return $children;
    }
}
